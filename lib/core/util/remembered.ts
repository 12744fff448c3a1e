/**
 * A pure function of text keys, remembering its answers: the same few arguments asked thousands of times
 * in a run (a run's own time, the time most states were written, a table's last update) are worked out
 * once. Bounded: the memory is emptied when `kept` answers are held, so a long-lived process cannot grow
 * with it. Only for functions whose answer depends on the key alone (no clock, no environment).
 */
export function remembered<T>(work: (key: string) => T, kept = 1_000): (key: string) => T {
  const answers = new Map<string, T>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as T;
    if (answers.size >= kept) answers.clear();
    const answer = work(key);
    answers.set(key, answer);
    return answer;
  };
}
