// Parses a warmshell Mermaid export with Mermaid itself (in jsdom) and
// compares it with the JSON export of the same scenario: one section per
// site, one task per task or milestone, the same start and end dates, the
// same milestone and critical flags, no markup in any name.
//
// Usage, from a folder where `npm install mermaid@11 jsdom` was run:
//   node --input-type=module - EXPORT.mmd EXPORT.json < mermaid_check.mjs
// (tests/export.rs does this when WARMSHELL_MERMAID_DIR names that folder).
// Exit 0 when everything matches, 1 otherwise.
import fs from 'fs';
import { JSDOM } from 'jsdom';

const [mmdPath, jsonPath] = process.argv.slice(-2);
const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.DOMParser = dom.window.DOMParser;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const text = fs.readFileSync(mmdPath, 'utf8');
const items = JSON.parse(fs.readFileSync(jsonPath, 'utf8')).items;
const problems = [];
await mermaid.parse(text);
const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
const tasks = diagram.db.getTasks();
const expected = items.filter((i) => i.type !== 'summary');
const sites = items.filter((i) => i.type === 'summary');
if (tasks.length !== expected.length) {
  problems.push(`${tasks.length} tasks, expected ${expected.length}`);
}
const sections = new Set(tasks.map((t) => t.section));
if (sections.size !== sites.length) {
  problems.push(`${sections.size} sections, expected ${sites.length}`);
}
const day = (d) => d.toISOString().slice(0, 10);
expected.forEach((item, n) => {
  const t = tasks[n];
  if (!t) return;
  const where = `task ${n + 1} (${JSON.stringify(item.name)})`;
  if (t.id !== `t${item.uid}`) problems.push(`${where}: id ${t.id}`);
  if (day(t.startTime) !== item.start) problems.push(`${where}: start ${day(t.startTime)}, expected ${item.start}`);
  if (day(t.endTime) !== item.finish) problems.push(`${where}: end ${day(t.endTime)}, expected ${item.finish}`);
  if (Boolean(t.milestone) !== (item.type === 'milestone')) problems.push(`${where}: milestone ${t.milestone}`);
  if (Boolean(t.crit) !== item.critical) problems.push(`${where}: crit ${t.crit}`);
  if (/[<>]/.test(t.task) || /[<>]/.test(t.section)) problems.push(`${where}: markup in ${t.task} / ${t.section}`);
});
if (problems.length) {
  problems.slice(0, 100).forEach((p) => console.log(p));
  console.log(`${problems.length} mismatches`);
  process.exit(1);
}
console.log(`mermaid parsed ${tasks.length} tasks in ${sections.size} sections: all match`);
