/**
 * A benchmark returns `{ name, title, mode, tables: [{ title?, columns, rows }], notes: [] , targets: [] }`.
 * Rendered as an aligned text table on the console and as Markdown in RESULTS.md.
 */

const cell = (v) => (v === undefined || v === null ? '' : String(v));

export function renderText(result) {
  const out = [`\n## ${result.title}  (${result.mode})`];
  for (const table of result.tables) {
    if (table.title) out.push(`\n${table.title}`);
    const rows = [table.columns, ...table.rows.map((r) => r.map(cell))];
    const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => cell(r[i]).length)));
    const line = (r) => r.map((c, i) => cell(c).padEnd(widths[i])).join('  ');
    out.push(line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line));
  }
  for (const t of result.targets ?? []) out.push(`target: ${t}`);
  for (const n of result.notes ?? []) out.push(`note: ${n}`);
  return out.join('\n');
}

const md = (v) => cell(v).replaceAll('|', '\\|');

export function renderMarkdown(result) {
  const out = [`## ${result.title}`, '', `Run: ${result.ranAt} · mode: ${result.mode}`, ''];
  for (const table of result.tables) {
    if (table.title) out.push(`**${table.title}**`, '');
    out.push(`| ${table.columns.map(md).join(' | ')} |`);
    out.push(`| ${table.columns.map(() => '---').join(' | ')} |`);
    for (const r of table.rows) out.push(`| ${r.map(md).join(' | ')} |`);
    out.push('');
  }
  if (result.targets?.length) {
    for (const t of result.targets) out.push(`- Target: ${t}`);
    out.push('');
  }
  if (result.notes?.length) {
    for (const n of result.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
