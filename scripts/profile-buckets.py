#!/usr/bin/env python3
# Shares of a server profile by stage, for the span-ingestion profile in docs/benchmarks.md (issue #12):
#   perf script -i perf.data | python3 scripts/profile-buckets.py
# Each sample goes to the first stage whose frame its stack holds (JIT and GC threads by thread name first).
import sys,collections
c=collections.Counter();tot=0
buckets=[('follower: trace summaries/index/map','TraceSummaryFollower'),('pipeline: normalizer read+decode','Normalizer+<DecodeAsync'),('pipeline: normalizer read+decode','Normalizer::Normalize'),('pipeline: stage+flush (write stage)','Normalizer+<WriteAsync'),('pipeline: stage+flush (write stage)','Normalizer+<FlushAsync'),('pipeline: log reader','IngestLogReader'),
 ('accept: decode/validate/scrub','BatchDecoder'),('accept: FASTER append/commit','IngestLog'),('accept: body read/HMAC','RequestBodyReader'),('accept: body read/HMAC','VerifySignature'),('accept: rest of handler + ASP.NET','IngestHandler'),('accept: rest of handler + ASP.NET','Kestrel'),
 ('maintenance (compaction, retention)','StorageMaintenance'),('maintenance (compaction, retention)','Compact')]
sub=collections.defaultdict(collections.Counter)
for b in sys.stdin.read().split('\n\n'):
    ls=b.strip().split('\n')
    if len(ls)<1 or not ls[0]: continue
    head=ls[0]; st='\n'.join(ls[1:]); tot+=1
    comm=head.split()[0] if head else ''
    name=None
    if '.NET Tiered' in head or 'libclrjit' in st: name='JIT/tiering'
    elif '.NET Server GC' in head or '.NET BGC' in head or 'gc_heap' in st: name='GC threads'
    else:
        for n,k in buckets:
            if k in st: name=n; break
    if name is None:
        if 'FASTER' in st: name='FASTER (flush/commit threads)'
        elif 'duckdb' in st.lower(): name='DuckDB threads (other)'
        else: name='other'
    c[name]+=1
print('samples',tot)
for k,v in c.most_common(): print(f"{100*v/tot:5.1f}% {k}")
