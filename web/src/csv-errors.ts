/** One validation problem of the preferences CSV, located for a table (row/column may be unknown). */
export interface CsvProblem {
  row?: number;
  column?: string;
  detail: string;
}

interface WireError {
  detail?: string;
  title?: string;
  source?: { pointer?: string; parameter?: string };
}

/** Reads the 400 answer's errors: a pointer like `/rows/3/owner_type` names the row and the column. */
export function csvProblems(errors: WireError[]): CsvProblem[] {
  return errors.map((e) => {
    const detail = e.detail ?? e.title ?? 'Invalid value';
    const m = /^\/rows\/(\d+)(?:\/(.+))?$/.exec(e.source?.pointer ?? '');
    if (!m) return { detail };
    const problem: CsvProblem = { row: Number(m[1]), detail };
    if (m[2]) problem.column = m[2].replace(/~1/g, '/').replace(/~0/g, '~');
    return problem;
  });
}
