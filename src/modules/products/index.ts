// The products module's public face: other modules import only from here.
import { defineModule } from '../../platform/module.ts';
import { productRoutes } from './products.routes.ts';
import type { ProductsTables } from './products.tables.ts';

/**
 * The service product catalogue. No migration of its own yet: its table was created and seeded by
 * 0003_customers_init, which stays as applied; the next change to it is a products migration.
 */
export const products = defineModule<ProductsTables>({
  name: 'products',
  routes: [{ plugin: productRoutes }],
  permissions: {
    'product.manage': { description: 'Change the service product catalogue', roles: ['system_admin'] },
  },
});

export { productRoutes } from './products.routes.ts';
export { activeProductCodes, assertActiveProducts, listProducts, productNames } from './products.service.ts';
export { productView, type ProductView } from './products.schemas.ts';
export {
  PRODUCT_CATEGORIES,
  PRODUCT_SEEDS,
  RESOURCE_KINDS,
  SEGMENTS,
  type ProductCategory,
  type ProductSeed,
  type ResourceKind,
  type Segment,
} from './domain/catalogue.ts';
