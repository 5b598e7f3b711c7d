/**
 * A strict reading of the Prometheus text exposition format 0.0.4 (the parser from npm that the tests also use is
 * lenient: it accepts unterminated label values and trailing garbage). Returns every violation found; [] means the
 * text is well formed. Checks each line's grammar, that HELP and TYPE come at most once per family and before its
 * samples, that a family's samples are contiguous, that no series repeats, that counters are named `*_total` and
 * never negative, and that the text ends with a line feed.
 */
export function expositionViolations(text: string): string[] {
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
  const VALUE = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]Inf|NaN';
  const sample = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
  const help = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
  const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
  const violations: string[] = [];
  if (!text.endsWith('\n')) violations.push('the text does not end with a line feed');
  const lines = text.split('\n').slice(0, -1);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    const enter = (family: string): void => {
      if (family === current) return;
      if (finished.has(family)) violations.push(`${where}: family ${family} is not contiguous`);
      if (current !== null) finished.add(current);
      current = family;
    };
    let m: RegExpExecArray | null;
    if ((m = help.exec(line)) !== null) {
      if (helps.has(m[1]!)) violations.push(`${where}: a second HELP`);
      helps.add(m[1]!);
      enter(m[1]!);
    } else if ((m = type.exec(line)) !== null) {
      if (types.has(m[1]!)) violations.push(`${where}: a second TYPE`);
      if (series.has(m[1]!) || [...series].some((s) => s.startsWith(`${m![1]}{`))) violations.push(`${where}: TYPE after samples`);
      types.set(m[1]!, m[2]!);
      enter(m[1]!);
    } else if (line.startsWith('#')) {
      if (/^# (HELP|TYPE)/.test(line)) violations.push(`${where}: malformed HELP or TYPE`);
    } else if ((m = sample.exec(line)) !== null) {
      const [, family, labels = '', value] = m;
      enter(family!);
      const key = `${family}{${labels.replace(/,$/, '')}}`;
      if (series.has(key)) violations.push(`${where}: a repeated series`);
      series.add(key);
      const kind = types.get(family!);
      if (kind === undefined) violations.push(`${where}: a sample with no TYPE`);
      if (kind === 'counter' && !family!.endsWith('_total')) violations.push(`${where}: a counter not named *_total`);
      if (kind === 'counter' && (value!.startsWith('-') || value === 'NaN')) violations.push(`${where}: a negative counter`);
    } else {
      violations.push(`${where}: not a HELP, TYPE, comment or sample line`);
    }
  });
  return violations;
}
