#!/usr/bin/env bash
# Cluster-wide search (issue 17): a generated corpus of DOCS documents across TENANTS sites,
# indexed and asked by CLIENTS concurrent clients, against the baseline a team would otherwise
# pick — PostgreSQL full-text search over the same corpus cut into the same words (`simple`
# configuration, a GIN index, ts_rank) — on this machine, in the same run.
#
#   bash ops/bench/search.sh        (from the repository root; about 10 minutes after the build)
#
# 1. Builds and runs crates/zq-search/examples/search_bench.rs in release mode: indexing
#    throughput (documents/s), index size, question latency p50/p99 for cluster-wide and
#    one-site questions (each: best ten with highlighted snippets, the total and every facet
#    counted, as the search page asks), questions per second, memory (resident and peak) —
#    first with every question answered from the index itself, then as the index serves, an
#    answer kept until the next commit (at most 30 s).
# 2. Loads the same corpus into a new PostgreSQL database (COPY, then the tsvector column and
#    its GIN index: the time of both is its indexing), and runs the same kinds of questions with
#    pgbench (CLIENTS clients, SECS seconds each): the best ten by ts_rank and the total count.
# 3. Prints both and writes them with the machine and the command to LAST_RUN. PASS when the
#    index takes at least 2,000 documents/s and both p99s are at most 50 ms.
#
# Environment overrides (defaults in brackets):
#   DOCS [200000]  TENANTS [1000]  CLIENTS [32]  SECS [20]  OUT [/tmp/zq-search-bench]
#   PG_ADMIN [postgres://postgres@127.0.0.1:5432/postgres]
#   LAST_RUN [ops/bench/search-last-run.txt]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOCS=${DOCS:-200000} TENANTS=${TENANTS:-1000} CLIENTS=${CLIENTS:-32} SECS=${SECS:-20}
export OUT=${OUT:-/tmp/zq-search-bench}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
LAST_RUN=${LAST_RUN:-ops/bench/search-last-run.txt}
DB=zq_search_bench
PG_URL=${PG_ADMIN%/*}/$DB
rm -rf "$OUT" && mkdir -p "$OUT"

cargo build --release -q -p zq-search --example search_bench
ours=$(cargo run --release -q -p zq-search --example search_bench)
rm -rf "$OUT/index"
value() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

# The baseline.
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
psql -q -v ON_ERROR_STOP=1 "$PG_URL" <<SQL
CREATE TABLE docs (id bigserial PRIMARY KEY, tenant text NOT NULL, title text NOT NULL, body text NOT NULL);
CREATE TABLE queries (id int PRIMARY KEY, tenant text NOT NULL, q tsquery NOT NULL);
\copy queries FROM '$OUT/queries.tsv'
SQL
started=$(date +%s.%N)
psql -q -v ON_ERROR_STOP=1 "$PG_URL" <<SQL
\copy docs (tenant, title, body) FROM '$OUT/corpus.tsv'
ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS
  (setweight(to_tsvector('simple', title), 'A') || to_tsvector('simple', body)) STORED;
CREATE INDEX docs_tsv ON docs USING gin (tsv);
CREATE INDEX docs_tenant ON docs (tenant);
ANALYZE docs;
SQL
pg_secs=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
pg_mib=$(psql -qtA "$PG_URL" -c "SELECT round(pg_total_relation_size('docs') / 1048576.0, 1)")

cat > "$OUT/cluster.sql" <<'SQL'
\set id random(1, 1000)
SELECT (SELECT count(*) FROM docs d, queries q WHERE q.id = :id AND d.tsv @@ q.q) AS total,
       (SELECT array_agg(id) FROM (SELECT d.id FROM docs d, queries q WHERE q.id = :id AND d.tsv @@ q.q
         ORDER BY ts_rank(d.tsv, q.q) DESC LIMIT 10) best) AS best;
SQL
cat > "$OUT/site.sql" <<'SQL'
\set id random(1, 1000)
SELECT (SELECT count(*) FROM docs d, queries q WHERE q.id = :id AND d.tenant = q.tenant AND d.tsv @@ q.q) AS total,
       (SELECT array_agg(id) FROM (SELECT d.id FROM docs d, queries q WHERE q.id = :id AND d.tenant = q.tenant
         AND d.tsv @@ q.q ORDER BY ts_rank(d.tsv, q.q) DESC LIMIT 10) best) AS best;
SQL
# p50, p99 (ms) and questions/s from pgbench's per-question log (latency in µs, 3rd field).
pgrun() {
  rm -f "$OUT"/pg_"$1".*
  (cd "$OUT" && pgbench -n -c "$CLIENTS" -j 2 -T "$SECS" -f "$1.sql" -l --log-prefix="pg_$1" "$PG_URL" > /dev/null 2>&1)
  cat "$OUT"/pg_"$1".* | awk '{print $3}' | sort -n | awk -v secs="$SECS" '
    {v[NR] = $1} END {
      p50 = v[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
      printf "%.2f\t%.2f\t%.0f\t%d\n", p50 / 1000, p99 / 1000, NR / secs, NR }'
}
read -r pgc50 pgc99 pgcqps pgcn < <(pgrun cluster)
read -r pgs50 pgs99 pgsqps pgsn < <(pgrun site)
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"

docs_per_sec=$(value "$ours" docs_per_sec)
c99=$(value "$ours" cluster_p99_ms)
s99=$(value "$ours" site_p99_ms)
verdict=$(awk -v d="$docs_per_sec" -v c="$c99" -v s="$s99" 'BEGIN {print (d >= 2000 && c <= 50 && s <= 50) ? "PASS" : "FAIL"}')
{
  printf 'search benchmark, %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'machine: %s, %s cores, %s\n' "$(uname -srm)" "$(nproc)" "$(psql -qtA "$PG_ADMIN" -c 'SHOW server_version' | head -1 | sed 's/^/PostgreSQL /')"
  printf 'command: DOCS=%s TENANTS=%s CLIENTS=%s SECS=%s bash ops/bench/search.sh\n\n' "$DOCS" "$TENANTS" "$CLIENTS" "$SECS"
  printf '                        zq-search (tantivy+jieba)   PostgreSQL FTS (simple, GIN)\n'
  printf 'indexing                %8s docs/s            %8.0f docs/s\n' "$docs_per_sec" "$(awk -v d="$DOCS" -v s="$pg_secs" 'BEGIN {print d / s}')"
  printf 'index size              %8s MiB               %8s MiB (table + indexes)\n' "$(value "$ours" index_mib)" "$pg_mib"
  printf 'cluster-wide p50 / p99  %6s / %-6s ms        %6s / %-6s ms\n' "$(value "$ours" cluster_p50_ms)" "$c99" "$pgc50" "$pgc99"
  printf 'cluster-wide questions  %8s /s                %8s /s\n' "$(value "$ours" cluster_qps)" "$pgcqps"
  printf '  (no answer kept)      %6s / %-6s ms, %s /s\n' "$(value "$ours" uncached_cluster_p50_ms)" "$(value "$ours" uncached_cluster_p99_ms)" "$(value "$ours" uncached_cluster_qps)"
  printf 'one site p50 / p99      %6s / %-6s ms        %6s / %-6s ms\n' "$(value "$ours" site_p50_ms)" "$s99" "$pgs50" "$pgs99"
  printf 'one site questions      %8s /s                %8s /s\n' "$(value "$ours" site_qps)" "$pgsqps"
  printf '  (no answer kept)      %6s / %-6s ms, %s /s\n' "$(value "$ours" uncached_site_p50_ms)" "$(value "$ours" uncached_site_p99_ms)" "$(value "$ours" uncached_site_qps)"
  printf 'memory (resident, peak) %s / %s MiB\n\n' "$(value "$ours" rss_mib)" "$(value "$ours" peak_rss_mib)"
  printf 'zq-search answers: best ten with highlighted snippets, the total and the facets counted\n(sites, kinds, years; columns when one site is asked);\n'
  printf 'PostgreSQL answers: best ten ids by ts_rank and the total count (no snippets, no facets).\n'
  printf 'zq-search keeps an answer until the next commit, at most 30 s (ANSWER_TTL); the first lines\n'
  printf 'are as it serves, "(no answer kept)" every question answered from the index itself. The\n'
  printf 'cluster-wide questions come from a pool of 780 (60 topics, 720 topic + kind); one site'"'"'s\n'
  printf 'from 780 x 1000 sites, so those are nearly all answered from the index.\n\n'
  printf '%s: indexing %s docs/s (target >= 2000), p99 %s ms cluster-wide and %s ms one site (target <= 50)\n' "$verdict" "$docs_per_sec" "$c99" "$s99"
} | tee "$LAST_RUN"
[[ $verdict == PASS ]]
