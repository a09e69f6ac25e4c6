/*
 * A reader for the part of Alloy's configuration syntax this project writes: blocks
 * (`name "label" { … }`, `name { … }`, `name {}`) and attributes (`key = value`, values may
 * span lines inside brackets). Enough to compare a rendered configuration with the component
 * reference of the pinned Alloy release; it does not evaluate expressions.
 */

export interface AlloyBlock {
  readonly name: string;
  readonly label?: string;
  /** Attribute name -> the value's source text. */
  readonly attributes: Map<string, string>;
  readonly blocks: AlloyBlock[];
  /** 1-based line of the block's header. */
  readonly line: number;
}

/** Bracket depth change of a value's text, ignoring brackets inside strings. */
function depth(text: string): number {
  let d = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{' || c === '(') d++;
    else if (c === ']' || c === '}' || c === ')') d--;
  }
  return d;
}

/** The top-level blocks of a configuration; throws with the line number on text it cannot read. */
export function parseAlloy(text: string): AlloyBlock[] {
  const root: AlloyBlock = { name: '', attributes: new Map(), blocks: [], line: 0 };
  const stack: AlloyBlock[] = [root];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s+|\s+$/g, '');
    if (line === '' || line.startsWith('//')) continue;
    const top = stack[stack.length - 1];
    if (line === '}') {
      if (stack.length === 1) throw new Error(`line ${i + 1}: "}" closes no block`);
      stack.pop();
      continue;
    }
    const block = /^([a-z_][a-z0-9_.]*)\s*(?:"([^"]*)")?\s*\{\s*(\})?$/.exec(line);
    if (block) {
      const b: AlloyBlock = { name: block[1], label: block[2], attributes: new Map(), blocks: [], line: i + 1 };
      top.blocks.push(b);
      if (!block[3]) stack.push(b);
      continue;
    }
    const attribute = /^([a-z_][a-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (attribute && stack.length > 1) {
      let value = attribute[2];
      while (depth(value) > 0 && i + 1 < lines.length) value += `\n${lines[++i]}`;
      top.attributes.set(attribute[1], value.trim());
      continue;
    }
    throw new Error(`line ${i + 1}: cannot read "${line}"`);
  }
  if (stack.length > 1) throw new Error(`block ${stack[stack.length - 1].name} (line ${stack[stack.length - 1].line}) is not closed`);
  return root.blocks;
}
