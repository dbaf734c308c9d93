/** fast-check helpers that bend a valid protocol message: replace, delete or add fields anywhere in it. */
import fc from 'fast-check';

type Json = unknown;
const DELETE = Symbol('delete');

/** Every path (array of keys/indices) of a JSON value, the root included. */
export function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function apply(value: Json, path: (string | number)[], replacement: unknown): Json {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === DELETE) copy.splice(head as number, 1);
    else copy[head as number] = apply(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === DELETE) delete copy[head];
  else copy[head] = apply(copy[head], rest, replacement);
  return copy;
}

/** `sample` with 1–3 of its fields replaced by anything (often a value of another JSON type) or deleted. */
export function mutated(sample: Json): fc.Arbitrary<Json> {
  const all = paths(sample);
  const replacement = fc.oneof(
    { weight: 2, arbitrary: fc.constant<unknown>(DELETE) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(null, '', 0, -1, true, [], {}, 'x'.repeat(5000)) },
    { weight: 3, arbitrary: fc.jsonValue() },
  );
  return fc
    .array(fc.tuple(fc.nat(all.length - 1), replacement), { minLength: 1, maxLength: 3 })
    .map((edits) => {
      let v = sample;
      for (const [i, r] of edits) {
        const p = paths(v)[i % paths(v).length] ?? [];
        v = apply(v, p, r);
      }
      return v;
    });
}

/** `sample` (an object) with extra top-level fields it does not have. */
export function withUnknownFields(sample: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .dictionary(
      fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in sample) && k !== '__proto__'),
      fc.jsonValue(),
      { minKeys: 1, maxKeys: 4 },
    )
    .map((extra) => ({ ...extra, ...sample }));
}
