// The products module's public face: other modules import only from here.
export type { ProductsTables } from './products.tables.ts';
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
