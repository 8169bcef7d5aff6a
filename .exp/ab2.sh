#!/bin/bash
run() { (cd $1 && node --max-old-space-size=20000 build-bench/bench/run.js --ingest-only --ingest-backends $2 --ingest-connections 16 --ingest-single-connections 10 > $3 2>&1); }
run /work/main sqlite /tmp/ab-sq-new2.log
run /tmp/base sqlite /tmp/ab-sq-base2.log
run /work/main sqlite /tmp/ab-sq-new3.log
run /tmp/base sqlite /tmp/ab-sq-base3.log
echo done > /tmp/ab2.done
