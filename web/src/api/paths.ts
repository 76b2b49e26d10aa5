import type { PendingPaths } from './pending.ts';
import type { paths as Generated } from './schema.gen.ts';

/** Per path and method: the generated (server) type when it exists, else the pending contract. */
type Merge<G, P> = {
  [K in keyof G | keyof P]: K extends keyof G
    ? K extends keyof P
      ? G[K] & Omit<P[K], keyof G[K]>
      : G[K]
    : K extends keyof P
      ? P[K]
      : never;
};

export type ApiPaths = Merge<Generated, PendingPaths>;

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
