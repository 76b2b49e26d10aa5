// The request screens, loaded together on demand (routes.tsx).
export { default as RequestPage } from './RequestPage.tsx';
export { default as RequestsPage } from './RequestsPage.tsx';
