import type { paths as Generated } from './schema.gen.ts';

/** Every path and method the server's OpenAPI document declares (generated: `npm run gen:api`). */
export type ApiPaths = Generated;

type JsonContent<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Responses<Op> = Op extends { responses: infer R } ? R : never;

/** The JSON body of a successful (200 or 201) response. */
export type ResponseOf<P extends keyof ApiPaths, M extends keyof ApiPaths[P]> = JsonContent<
  Responses<ApiPaths[P][M]>[(200 | 201) & keyof Responses<ApiPaths[P][M]>]
>;

/** The JSON request body of an operation. */
export type BodyOf<P extends keyof ApiPaths, M extends keyof ApiPaths[P]> = ApiPaths[P][M] extends {
  requestBody?: infer B;
}
  ? JsonContent<NonNullable<B>>
  : never;
