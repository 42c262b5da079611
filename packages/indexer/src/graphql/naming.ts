/** The Graph's query field names: `pool` / `pools`, `consortium` / `consortia`, `periodMetrics_collection`. */
export function singularField(entity: string): string {
  return entity.charAt(0).toLowerCase() + entity.slice(1);
}

export function pluralField(entity: string): string {
  const single = singularField(entity);
  let plural: string;
  if (/[ti]um$/.test(single)) plural = single.slice(0, -2) + "a";
  else if (/(ch|sh|ss|x|z)$/.test(single)) plural = single + "es";
  else if (/[^aeiou]y$/.test(single)) plural = single.slice(0, -1) + "ies";
  else if (/s$/.test(single)) plural = single;
  else plural = single + "s";
  return plural === single ? single + "_collection" : plural;
}
