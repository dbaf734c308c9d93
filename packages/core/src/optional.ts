/** `{ [key]: value }`, or `{}` when `value` is undefined: for optional fields under `exactOptionalPropertyTypes`. */
export const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
