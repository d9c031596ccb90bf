/**
 * Just enough Markdown reading for tests that hold a document to the code:
 * headings (outside code fences) with their GitHub anchors, the tables under
 * each heading, and the links of a line.
 *
 * @module
 */

/** A heading and the lines up to the next heading of the same or a higher level. */
export interface Section {
  /** 1 for `#`, 2 for `##`, ... */
  level: number;
  /** The heading text as written, backticks included. */
  title: string;
  /** The anchor GitHub gives the heading (without `#`). */
  anchor: string;
  /** The section's lines after the heading, sub-sections included. */
  lines: string[];
  /** The lines up to the first sub-heading. */
  ownLines: string[];
}

/**
 * The anchor GitHub generates for a heading: lower case, punctuation other
 * than `-` and `_` dropped, spaces made `-`.
 *
 * @param title Heading text.
 * @returns The anchor, without `#`.
 */
export function anchorOf(title: string): string {
  return title.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
}

/**
 * Every heading of `markdown`, in document order, with its lines. Lines in
 * fenced code blocks are never headings.
 *
 * @param markdown The document.
 * @returns The sections.
 */
export function sections(markdown: string): Section[] {
  const lines = markdown.split("\n");
  const heads: { index: number; level: number; title: string }[] = [];
  let fenced = false;
  lines.forEach((line, index) => {
    if (line.startsWith("```")) fenced = !fenced;
    const match = fenced ? null : /^(#{1,6}) (.+)$/.exec(line);
    if (match) heads.push({ index, level: match[1].length, title: match[2].trim() });
  });
  return heads.map((head, i) => {
    const end = heads.slice(i + 1).find((h) => h.level <= head.level)?.index ?? lines.length;
    const own = heads[i + 1]?.index ?? lines.length;
    return {
      level: head.level,
      title: head.title,
      anchor: anchorOf(head.title),
      lines: lines.slice(head.index + 1, end),
      ownLines: lines.slice(head.index + 1, Math.min(own, end)),
    };
  });
}

/**
 * The cells of one table row: split on `|` that is not escaped as `\|`, each
 * trimmed, with `\|` turned back into `|`.
 *
 * @param row A line starting with `|`.
 * @returns The cells.
 */
export function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll("\\|", "|"));
}

/** A table: its header cells and its body rows. */
export interface Table {
  /** Header cells, lower case. */
  header: string[];
  /** Body rows, as cells. */
  rows: string[][];
}

/**
 * Every table among `lines`, in order.
 *
 * @param lines Lines of a section.
 * @returns The tables (header and rows; the `---` line dropped).
 */
export function tables(lines: readonly string[]): Table[] {
  const found: Table[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length >= 2) {
      found.push({
        header: cells(current[0]).map((c) => c.toLowerCase()),
        rows: current.slice(2).map(cells),
      });
    }
    current = [];
  };
  for (const line of lines) {
    if (line.trimStart().startsWith("|")) current.push(line);
    else flush();
  }
  flush();
  return found;
}

/**
 * A cell's text without Markdown: links become their text, backticks go.
 *
 * @param cell A table cell.
 * @returns The plain text.
 */
export function plain(cell: string): string {
  return cell.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replaceAll("`", "").trim();
}

/**
 * The names written in backticks in a cell or heading, in order.
 *
 * @param text A cell or heading.
 * @returns What stood between each pair of backticks.
 */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

/**
 * The targets of the `(#anchor)` links in `text`.
 *
 * @param text Markdown.
 * @returns The anchors, without `#`.
 */
export function anchorLinks(text: string): string[] {
  return [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
}
