#!/bin/bash
# alternating A/B: base (/tmp/base) and new (/work/main), same bench code
run() { (cd $1 && node --max-old-space-size=20000 build-bench/bench/run.js --ingest-only --ingest-backends $2 --ingest-connections 16 --ingest-single-connections 10 > $3 2>&1); }
run /tmp/base postgres /tmp/ab-pg-base1.log
run /work/main postgres /tmp/ab-pg-new1.log
run /tmp/base sqlite /tmp/ab-sq-base1.log
run /work/main sqlite /tmp/ab-sq-new1.log
run /work/main postgres /tmp/ab-pg-new2.log
run /tmp/base postgres /tmp/ab-pg-base2.log
echo done > /tmp/ab.done
