import { isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';

/**
 * The line (from 1) of what a JSON pointer names in a YAML or JSON text:
 * the key of the deepest mapping entry, or the array item, the pointer
 * reaches. A segment that names no key of an array is looked up as an
 * item's `name`, since Avro's messages say `/fields/user_id`. Line 1 when
 * the text does not parse or the pointer reaches nothing in it.
 */
export function locate(options: { text: string; pointer: string }): number {
  const lineCounter = new LineCounter();
  const document = parseDocument(options.text, {
    lineCounter,
    uniqueKeys: false,
  });
  const lineAt = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  let node: unknown = document.contents;
  let line = lineAt((node as Node | null)?.range?.[0]);
  const segments = options.pointer
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find(
        item => isScalar(item.key) && String(item.key.value) === segment,
      );
      if (!pair) break;
      line = lineAt((pair.key as Node).range?.[0]);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = /^\d+$/.test(segment)
        ? node.items[Number(segment)]
        : node.items.find(
            candidate => isMap(candidate) && candidate.get('name') === segment,
          );
      if (!item) break;
      line = lineAt((item as Node).range?.[0]);
      node = item;
    } else {
      break;
    }
  }
  return line;
}
