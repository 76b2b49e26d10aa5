// The customer screens, loaded together on demand (routes.tsx).
export { default as Customer360Page } from './Customer360Page.tsx';
export { default as CustomersPage } from './CustomersPage.tsx';
export { default as ImportPage } from './ImportPage.tsx';
