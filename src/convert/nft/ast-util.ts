/** Small helpers over the nft AST. */

/** A deep copy without `range` and `origin`: for comparing trees parsed from different texts. */
export function withoutPositions<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'range' || key === 'origin' ? undefined : value))) as T;
}
