/**
 * The values of a union type from the generated API types, listed once at run time (a select's
 * options): the compiler refuses a list that misses a member or names one the API does not have,
 * so the server's enum stays the one source of truth.
 */
export function allOf<U extends string>() {
  return <const A extends readonly U[]>(
    values: A & ([U] extends [A[number]] ? unknown : { missing: Exclude<U, A[number]> }),
  ): A => values;
}
