// The request screens, loaded together on demand (routes.tsx); not named screens.ts, the customer
// chunk's name in the build report (scripts/build-web.mjs).
export { default as RequestPage } from './RequestPage.tsx';
export { default as RequestsPage } from './RequestsPage.tsx';
