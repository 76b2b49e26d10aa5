/** TM Forum Open API plumbing shared by every TMF API (TMF629 now, TMF621 next). No domain here. */
export * from './error.ts';
export * from './fields.ts';
export * from './filters.ts';
export * from './href.ts';
export * from './http.ts';
export * from './merge-patch.ts';
export * from './paging.ts';
