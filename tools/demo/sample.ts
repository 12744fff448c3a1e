/**
 * Sample data for the demo: a training-records service (trainee details, placements, programme
 * memberships, the nightly ESR sync's job log) and its export to a data warehouse. Times are relative
 * to the run's `now`, so the same staleness shows whatever the day:
 * - placements: last modified 30 hours ago → `updated recently` warns (26h < 30h < 50h);
 *   3,200 current placements → `current placements` warns (below 5,000);
 * - trainee details: updated 2 hours ago, and one row stamped 30 minutes in the future (a writer's clock
 *   a little fast, within futureTolerance) → passes;
 * - programme memberships: untouched for 5 days → fails (failAfter 3d); 2,400 rows → count passes;
 * - nightly sync: every run of the last 6 days FAILED → the last success missed its 06:30 deadline;
 * - warehouse export: the table is empty → no data (severity warn);
 * - training grades: no timestamp column, loaded before the first run and untouched since → the
 *   activity check watches from the first run and, a day later, says it has not changed since then.
 * Column types differ on purpose: timestamp, timestamptz and epoch seconds.
 */
export function sampleSql(now: Date): string {
  const at = (hoursAgo: number) => `'${new Date(now.getTime() - hoursAgo * 3_600_000).toISOString()}'`;
  return `
CREATE TABLE public.trainee (
  id serial PRIMARY KEY, name text NOT NULL, email text, updated_at timestamptz NOT NULL);
INSERT INTO public.trainee (name, email, updated_at)
  SELECT 'Trainee ' || g, 'trainee' || g || '@example.org', ${at(2)}::timestamptz - (g || ' minutes')::interval
  FROM generate_series(1, 4000) g;
INSERT INTO public.trainee (name, updated_at) VALUES ('Clock skew', ${at(-0.5)}::timestamptz);

CREATE TABLE public.placement (
  id serial PRIMARY KEY, trainee_id int NOT NULL, site text NOT NULL, status text NOT NULL,
  last_modified timestamp NOT NULL);
INSERT INTO public.placement (trainee_id, site, status, last_modified)
  SELECT g, 'Site ' || (g % 40), CASE WHEN g <= 3200 THEN 'CURRENT' ELSE 'PAST' END,
         (${at(30)}::timestamptz AT TIME ZONE 'UTC') - (g || ' minutes')::interval
  FROM generate_series(1, 9000) g;

CREATE TABLE public.programme_membership (
  id serial PRIMARY KEY, trainee_id int NOT NULL, programme text NOT NULL, updated_at timestamptz NOT NULL);
INSERT INTO public.programme_membership (trainee_id, programme, updated_at)
  SELECT g, 'Programme ' || (g % 25), ${at(5 * 24)}::timestamptz - (g || ' minutes')::interval
  FROM generate_series(1, 2400) g;

CREATE TABLE public.sync_job_run (
  id serial PRIMARY KEY, status text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz);
INSERT INTO public.sync_job_run (status, started_at, finished_at)
  SELECT CASE WHEN g > 6 THEN 'SUCCESS' ELSE 'FAILED' END,
         ${at(0)}::timestamptz - (g || ' days')::interval - interval '3 hours',
         ${at(0)}::timestamptz - (g || ' days')::interval - interval '2 hours'
  FROM generate_series(1, 30) g;

CREATE TABLE public.grade (code text PRIMARY KEY, label text NOT NULL);
INSERT INTO public.grade VALUES ('F1', 'Foundation year 1'), ('F2', 'Foundation year 2'), ('CT1', 'Core training 1'),
  ('ST1', 'Specialty training 1'), ('ST3', 'Specialty training 3');

CREATE SCHEMA reporting;
CREATE TABLE reporting.export_batch (id serial PRIMARY KEY, row_count int NOT NULL, exported_at bigint NOT NULL);
`;
}
