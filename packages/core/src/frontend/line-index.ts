/**
 * Maps offsets to 1-based line/column and back: the findings' lines, and (less one) the syntax tree's rows and
 * columns.
 */
export class LineIndex {
  /** The offset each line starts at (4 bytes a line), made when first asked for: most files get no finding. */
  private lineStarts?: Int32Array;
  constructor(private readonly text: string) {}

  private get starts(): Int32Array {
    if (this.lineStarts) return this.lineStarts;
    const { text } = this;
    let lines = 1;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) lines++;
    const starts = new Int32Array(lines);
    let line = 1;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts[line++] = nl + 1;
    return (this.lineStarts = starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.starts[line - 1] ?? this.text.length;
    const next = this.starts[line] ?? this.text.length + 1;
    return this.text.slice(start, next - 1).replace(/\r$/, '');
  }
}
