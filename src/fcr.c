/*
 * fcr.c
 *		Repeat-contact first contact resolution: fcr_rate(customer,
 *		contact_at, repeat_window), fcr_agg, its accessors and rollup.
 *
 * A contact is a first contact when the same customer's previous contact is
 * more than repeat_window earlier, and resolved when also the next one is
 * more than repeat_window later.  That needs every customer's contacts in
 * time order, so the summary keeps every contact as a 16-byte pair
 * (customer key, contact_at in microseconds): nothing is lost, and combine
 * (parallel workers, ccr.rollup of stored summaries of any periods, queues
 * or shards) is the multiset union, exact by construction.
 *
 * Keys: a bigint customer is kept as is.  A text customer is kept as a
 * 64-bit hash of its bytes (MurmurHash64A, computed the same way on every
 * platform); two different customers share a hash with probability below
 * D^2 / 2^65 for D distinct customers (3e-8 for a million), and are then
 * counted as one customer.  That is the only inexactness, documented.
 *
 * Canonical order: every flat value, text and binary form lists the pairs
 * sorted by a 64-bit mix of the key (a bijection), then by time, so equal
 * summaries have equal forms whatever order the contacts came in or how
 * the work was split; input of pairs in any other order is sorted.
 *
 * In an aggregate the state is an expanded object (utils/expandeddatum.h)
 * in a child context of the aggregate context, so the executor keeps the
 * same pointer between rows; all the states of one aggregate context share
 * that child, so a state (a group) costs one small allocation.  Contacts are appended to chunks whose sizes
 * grow geometrically (never a palloc per row, never a realloc copy).  The
 * state is flattened, and so sorted, only when it leaves the aggregate: a
 * parallel worker's partial state is sorted in the worker, a stored
 * fcr_agg where it is stored.  Sorting scatters the chunks once into one
 * array partitioned by the top 8 bits of the mix, partitions each part
 * again into runs of ~8 contacts through a cache-resident scratch buffer
 * and sorts those.  Combining keeps sorted partial states as runs, and the
 * final step merges a few runs in one linear pass (the leader of a
 * parallel query does no sorting of the workers' contacts), or sorts the
 * rest and counts as it goes.
 *
 * Flat form (varlena, 8-byte aligned):
 *	  int32 vl_len_; uint8 version; uint8 family; uint8 keytype; uint8 flags;
 *	  int64 window_us; int64 contacts; {int64 key; int64 ts;}[contacts]
 * Text form: "v=1 key=bigint window_us=N contacts=N pairs=BASE64" where
 * BASE64 is the pairs packed big-endian; binary form: the same fields in
 * network order.  Both are validated on the way in.
 */
#include "ccr_metrics.h"

#include <errno.h>
#include <limits.h>
#include <sys/mman.h>

#include "common/base64.h"
#include "common/int128.h"
#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "port/pg_bswap.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/expandeddatum.h"
/* guc.h reaches bufpage.h, which has an unused parameter under -Wextra */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "utils/guc.h"
#pragma GCC diagnostic pop
#include "utils/memutils.h"

#define FCR_FORMAT_VERSION 1
#define FCR_FAMILY_TAG	CCR_FAMILY_FCR

#define FCR_KEY_BIGINT	1
#define FCR_KEY_TEXT	2

typedef struct FcrPair
{
	int64		key;
	int64		ts;
} FcrPair;

/*
 * The common summary header (summary.c); this family's own 16 bits of it
 * are two bytes, read and written bytewise so the layout is the same on
 * every host: the customer key type, then a reserved byte (0).
 */
typedef struct FcrFlat
{
	CcrSummaryHeader hdr;
	int64		window_us;
	int64		contacts;
	FcrPair		pairs[FLEXIBLE_ARRAY_MEMBER];
} FcrFlat;

#define FCR_HDRSZ	offsetof(FcrFlat, pairs)
#define FCR_TYPE_NAME "ccr.fcr_summary"
#define FCR_KEYTYPE(f) (((const uint8 *) &(f)->hdr.flags)[0])
#define FCR_RESERVED(f) (((const uint8 *) &(f)->hdr.flags)[1])

static inline uint16
fcr_header_flags(uint8 keytype)
{
	uint16		flags = 0;

	((uint8 *) &flags)[0] = keytype;
	return flags;
}

/* Largest state whose flat form fits a varlena (1 GB). */
#define FCR_HARD_MAX_CONTACTS ((int) ((MaxAllocSize - FCR_HDRSZ) / sizeof(FcrPair)))

StaticAssertDecl(offsetof(FcrFlat, pairs) == 24, "FcrFlat header is 24 bytes");
StaticAssertDecl(offsetof(FcrFlat, window_us) == sizeof(CcrSummaryHeader), "the window follows the common header");
StaticAssertDecl(sizeof(FcrPair) == 16, "a contact is 16 bytes");

/* A block of contacts; a state is a list of them, never reallocated. */
typedef struct FcrChunk
{
	FcrPair    *p;
	int64		len;
	int64		cap;
	bool		sorted;			/* in canonical order, and full (len == cap) */
	bool		cont;			/* sorted, and continues the previous chunk's run */
} FcrChunk;

/*
 * An aggregate's state.  All the states of one aggregate context share one
 * memory context (fcr_states_context), so a new state is one small
 * allocation: this header, its first chunk slot and that chunk's room for
 * FCR_ROOM contacts; a bigger slot array and further chunks are allocated
 * only when it grows.
 */
typedef struct FcrState
{
	ExpandedObjectHeader hdr;
	uint8		keytype;
	int64		window_us;
	Interval	window_iv;		/* the window as last seen, for a fast check */
	int64		n;				/* contacts in all chunks */
	int64		cap;			/* room in all chunks */
	int			nchunks;		/* >= 1; appends go to the last one */
	int			maxchunks;
	FcrChunk   *chunks;			/* &slot0, or an array of maxchunks */
	/* counts of the last final call, valid while n == counted_n */
	int64		counted_n;
	int64		first;
	int64		resolved;
	FcrChunk	slot0;			/* the first chunk slot */
	FcrPair		room[FLEXIBLE_ARRAY_MEMBER];	/* FCR_ROOM contacts */
} FcrState;

/* contacts in a new state's own allocation (a 248-byte state on 64-bit) */
#define FCR_ROOM 5
#define FCR_STATE_SIZE (offsetof(FcrState, room) + FCR_ROOM * sizeof(FcrPair))
#if SIZEOF_VOID_P == 8
StaticAssertDecl(FCR_STATE_SIZE == 248, "a new state is 248 bytes");
#endif

/* A read-only look at a summary, flat or expanded. */
typedef struct FcrView
{
	uint8		keytype;
	int64		window_us;
	int64		n;
	int			nchunks;
	FcrChunk   *chunks;			/* the state's, or &one for a flat value */
	FcrChunk	one;
	FcrState   *state;			/* when it is one of our expanded objects */
	bool		pairs_checked;	/* false: only the header was validated */
} FcrView;

typedef struct FcrCounts
{
	int64		contacts;
	int64		first;
	int64		resolved;
} FcrCounts;

static const char *const fcr_key_names[] = {NULL, "bigint", "text"};

/* ---------- ccr.fcr_max_contacts ---------- */

/*
 * The limit on contacts in one state, a setting declared at library load
 * (SHOW and ALTER SYSTEM know it; parallel workers get it like any other).
 * The default and maximum is the hard limit, the most contacts whose flat
 * form fits the 1 GB varlena limit.
 */
static int	fcr_max_contacts_setting = FCR_HARD_MAX_CONTACTS;

void
ccr_fcr_define_settings(void)
{
	DefineCustomIntVariable("ccr.fcr_max_contacts",
							"Most contacts one repeat-contact FCR state may hold.",
							"Past it, building, merging or reading an FCR summary fails with SQLSTATE 54000. "
							"The default and maximum is the most contacts whose summary fits 1 GB.",
							&fcr_max_contacts_setting,
							FCR_HARD_MAX_CONTACTS, 1, FCR_HARD_MAX_CONTACTS,
							PGC_USERSET, 0, NULL, NULL, NULL);
}

static inline int64
fcr_max_contacts(void)
{
	return (int64) fcr_max_contacts_setting;
}

static void
fcr_limit_error(int64 n, int64 limit) pg_attribute_noreturn();

static void
fcr_limit_error(int64 n, int64 limit)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("repeat-contact FCR state would hold " INT64_FORMAT " contacts, more than the limit of " INT64_FORMAT,
					n, limit),
			 errdetail("Each contact takes 16 bytes; the limit is ccr.fcr_max_contacts, at most %d.",
					   FCR_HARD_MAX_CONTACTS),
			 errhint("Compute over disjoint groups of customers (for example GROUP BY a hash of the customer) and add up first_contacts and resolved first contacts.")));
}

static int64
fcr_check_limit(int64 n)
{
	int64		limit = fcr_max_contacts();

	if (n > limit)
		fcr_limit_error(n, limit);
	return limit;
}

/* ---------- keys and windows ---------- */

/* MurmurHash64A with little-endian reads: the same value on every platform. */
static uint64
fcr_hash_bytes(const unsigned char *data, size_t len)
{
	const uint64 m = UINT64CONST(0xc6a4a7935bd1e995);
	const int	r = 47;
	uint64		h = UINT64CONST(0x9e3779b97f4a7c15) ^ ((uint64) len * m);
	const unsigned char *end = data + (len & ~(size_t) 7);

	for (; data != end; data += 8)
	{
		uint64		k;

		memcpy(&k, data, 8);
#ifdef WORDS_BIGENDIAN
		k = pg_bswap64(k);		/* read little-endian on any host */
#endif
		k *= m;
		k ^= k >> r;
		k *= m;
		h ^= k;
		h *= m;
	}
	switch (len & 7)
	{
		case 7:
			h ^= (uint64) data[6] << 48;
			/* FALLTHROUGH */
		case 6:
			h ^= (uint64) data[5] << 40;
			/* FALLTHROUGH */
		case 5:
			h ^= (uint64) data[4] << 32;
			/* FALLTHROUGH */
		case 4:
			h ^= (uint64) data[3] << 24;
			/* FALLTHROUGH */
		case 3:
			h ^= (uint64) data[2] << 16;
			/* FALLTHROUGH */
		case 2:
			h ^= (uint64) data[1] << 8;
			/* FALLTHROUGH */
		case 1:
			h ^= (uint64) data[0];
			h *= m;
	}
	h ^= h >> r;
	h *= m;
	h ^= h >> r;
	return h;
}

static char *
interval_text(const Interval *iv)
{
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv)));
}

/*
 * The window in microseconds, counted the way interval comparison counts
 * (a month is 30 days, a day 24 hours): the reference query compares
 * "next - contact_at > window" as intervals.  NULL or negative: 22023.
 * A window beyond the int64 range is clamped, which no gap can exceed
 * either way.
 */
static int64
fcr_window_usec(FunctionCallInfo fcinfo, int argno)
{
	Interval   *iv;
	INT128		span;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("repeat_window must not be NULL")));
	iv = PG_GETARG_INTERVAL_P(argno);
	span = int64_to_int128(iv->time);
	int128_add_int64_mul_int64(&span, iv->day, USECS_PER_DAY);
	int128_add_int64_mul_int64(&span, iv->month, DAYS_PER_MONTH * USECS_PER_DAY);
	if (int128_compare(span, int64_to_int128(0)) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("repeat_window must be >= 0, got %s", interval_text(iv))));
	if (int128_compare(span, int64_to_int128(PG_INT64_MAX)) > 0)
		return PG_INT64_MAX;
	return int128_to_int64(span);
}

/* A window in microseconds as an interval of days and time. */
static void
usec_interval(int64 us, Interval *iv)
{
	iv->month = 0;
	iv->day = 0;
	iv->time = us;
	if (us / USECS_PER_DAY <= PG_INT32_MAX)
	{
		iv->day = (int32) (us / USECS_PER_DAY);
		iv->time = us % USECS_PER_DAY;
	}
}

static char *
usec_text(int64 us)
{
	Interval	iv;

	usec_interval(us, &iv);
	return interval_text(&iv);
}

/* ---------- the canonical order ---------- */

/*
 * The pairs of a summary are kept and written in one canonical order: by a
 * 64-bit mix of the key, then by time.  The mix (the splitmix64 finalizer)
 * is a bijection of 64-bit integers, so this is a total order of pairs in
 * which a customer's contacts are adjacent and in time order, and it
 * spreads any key distribution (consecutive ids, hashes) evenly over the
 * radix buckets below.  Equal multisets of pairs therefore have equal flat,
 * text and binary forms, whatever order the contacts came in.
 */
static inline uint64
fcr_mix(int64 key)
{
	uint64		x = (uint64) key;

	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static inline int
fcr_pair_cmp(const FcrPair *a, const FcrPair *b)
{
	if (a->key == b->key)
		return a->ts < b->ts ? -1 : (a->ts > b->ts ? 1 : 0);
	return fcr_mix(a->key) < fcr_mix(b->key) ? -1 : 1;
}

#define ST_SORT fcr_sort
#define ST_ELEMENT_TYPE FcrPair
#define ST_COMPARE(a, b) fcr_pair_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* ---------- counting ---------- */

/* gap from an earlier to a later finite timestamp, never overflowing */
static inline uint64
fcr_gap(int64 earlier, int64 later)
{
	return (uint64) later - (uint64) earlier;
}

/* One pass over pairs in canonical order (or any order by key, then ts). */
static void
fcr_count_sorted(const FcrPair *p, int64 n, int64 window_us, FcrCounts *c)
{
	uint64		w = (uint64) window_us;

	for (int64 i = 0; i < n; i++)
	{
		bool		first = (i == 0 || p[i - 1].key != p[i].key ||
							 fcr_gap(p[i - 1].ts, p[i].ts) > w);

		if (first)
		{
			c->first++;
			if (i + 1 == n || p[i + 1].key != p[i].key ||
				fcr_gap(p[i].ts, p[i + 1].ts) > w)
				c->resolved++;
		}
	}
	c->contacts += n;
}

/*
 * The same count over a stream of pairs in canonical order, one pair at a
 * time (for merging sorted runs without writing them anywhere).  "pending"
 * is set while the previous pair is a first contact that no contact within
 * the window has followed yet.
 */
typedef struct FcrCounter
{
	FcrCounts  *c;
	uint64		w;
	bool		any;
	bool		pending;
	int64		key;
	int64		ts;
} FcrCounter;

static inline void
fcr_counter_add(FcrCounter *k, const FcrPair *p)
{
	if (k->any && p->key == k->key && fcr_gap(k->ts, p->ts) <= k->w)
		k->pending = false;		/* a repeat; the previous one is not resolved */
	else
	{
		if (k->pending)
			k->c->resolved++;
		k->c->first++;
		k->pending = true;
	}
	k->any = true;
	k->key = p->key;
	k->ts = p->ts;
	k->c->contacts++;
}

static inline void
fcr_counter_end(FcrCounter *k)
{
	if (k->pending)
		k->c->resolved++;
	k->pending = false;
}

/* ---------- sorting: radix partition by the mix, then small sorts ---------- */

/* Partitions smaller than this are sorted directly. */
#define FCR_RADIX_MIN 32

/* Sorts a small run canonically; insertion sort below 24 contacts. */
static inline void
fcr_sort_small(FcrPair *p, int64 n)
{
	if (n > 24)
	{
		fcr_sort(p, n);
		return;
	}
	for (int64 i = 1; i < n; i++)
	{
		FcrPair		x = p[i];
		int64		j = i;

		while (j > 0 && fcr_pair_cmp(&x, &p[j - 1]) < 0)
		{
			p[j] = p[j - 1];
			j--;
		}
		p[j] = x;
	}
}

/* bits of the level-1 partition of n contacts: runs of about 8 */
static inline int
fcr_level1_bits(int64 n)
{
	int			bits = 1;

	while (bits < 12 && (n >> (bits + 3)) > 0)
		bits++;
	return bits;
}

/*
 * In-place radix partition of p[0..n) by "bits" bits of the mix at "shift"
 * (American flag sort); start[0..2^bits] receives the bucket boundaries.
 */
static void
fcr_partition(FcrPair *p, int64 n, int shift, int bits, int64 *start, int64 *next)
{
	int			nb = 1 << bits;
	uint64		mask = (uint64) nb - 1;

	memset(start, 0, (nb + 1) * sizeof(int64));
	for (int64 i = 0; i < n; i++)
		start[((fcr_mix(p[i].key) >> shift) & mask) + 1]++;
	for (int b = 0; b < nb; b++)
		start[b + 1] += start[b];
	memcpy(next, start, nb * sizeof(int64));

	for (int b = 0; b < nb; b++)
	{
		while (next[b] < start[b + 1])
		{
			FcrPair		x = p[next[b]];
			int			db = (int) ((fcr_mix(x.key) >> shift) & mask);

			while (db != b)
			{
				FcrPair		y = p[next[db]];

				p[next[db]++] = x;
				x = y;
				db = (int) ((fcr_mix(x.key) >> shift) & mask);
			}
			p[next[b]++] = x;
		}
	}
}

/*
 * Sorts a level-0 bucket (its pairs share the top 8 bits of the mix) too big
 * for the scratch buffer, in place: one partition by the next bits, then
 * each part is sorted (a single customer with a million contacts ends up
 * in one part and is sorted by time).
 */
static void
fcr_sort_bucket_inplace(FcrPair *p, int64 n)
{
	int64		start[(1 << 12) + 1];
	int64		next[1 << 12];
	int			bits = fcr_level1_bits(n);

	fcr_partition(p, n, 56 - bits, bits, start, next);
	for (int b = 0; b < (1 << bits); b++)
	{
		if (start[b + 1] - start[b] > 1)
			fcr_sort_small(p + start[b], start[b + 1] - start[b]);
		if ((b & 255) == 255)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Sorts a level-0 bucket through a scratch buffer of n contacts: scatter by
 * the next bits of the mix into runs of about 8 (branch-free, faster than
 * the in-place permutation), sort each run, copy back.  The bucket stays
 * in cache throughout.
 */
static void
fcr_sort_bucket_scratch(FcrPair *p, int64 n, FcrPair *scratch)
{
	int64		start[(1 << 12) + 1];
	int64		next[1 << 12];
	int			bits;
	int			shift;
	int			nb;
	uint64		mask;

	if (n < FCR_RADIX_MIN)
	{
		fcr_sort_small(p, n);
		return;
	}
	bits = fcr_level1_bits(n);
	shift = 56 - bits;
	nb = 1 << bits;
	mask = (uint64) nb - 1;
	memset(start, 0, (nb + 1) * sizeof(int64));
	for (int64 i = 0; i < n; i++)
		start[((fcr_mix(p[i].key) >> shift) & mask) + 1]++;
	for (int b = 0; b < nb; b++)
		start[b + 1] += start[b];
	memcpy(next, start, nb * sizeof(int64));
	for (int64 i = 0; i < n; i++)
		scratch[next[(fcr_mix(p[i].key) >> shift) & mask]++] = p[i];
	for (int b = 0; b < nb; b++)
	{
		int64		len = start[b + 1] - start[b];

		if (len > 1)
			fcr_sort_small(scratch + start[b], len);
	}
	memcpy(p, scratch, (Size) n * sizeof(FcrPair));
}

/* Largest level-0 bucket sorted through a scratch buffer (16 MB). */
#define FCR_SCRATCH_MAX (1 << 20)

/* bytes of the last scratch buffer, for the DEBUG1 memory report */
static Size fcr_scratch_bytes = 0;

/*
 * Writes the pairs of chunks[0..nchunks) (n in all) to dst in canonical
 * order, counting them into c when c is not NULL: one scatter into dst by
 * the top 8 bits of the mix (256 streaming write positions; this is also
 * the copy out of the chunks), then each bucket is sorted while it is in
 * cache and counted right after.  O(n) but for the small sorts.
 */
static void
fcr_radix_into(const FcrChunk *chunks, int nchunks, int64 n, FcrPair *dst,
			   int64 window_us, FcrCounts *c)
{
	int64		start[257];
	int64		next[256];
	int64		biggest = 0;
	FcrPair    *scratch;

	memset(start, 0, sizeof(start));
	for (int i = 0; i < nchunks; i++)
	{
		const FcrPair *p = chunks[i].p;

		for (int64 j = 0; j < chunks[i].len; j++)
			start[(fcr_mix(p[j].key) >> 56) + 1]++;
	}
	for (int b = 0; b < 256; b++)
		start[b + 1] += start[b];
	if (start[256] != n)
		elog(ERROR, "ccr fcr: chunks hold " INT64_FORMAT " contacts, expected " INT64_FORMAT, start[256], n);
	memcpy(next, start, sizeof(next));
	for (int i = 0; i < nchunks; i++)
	{
		const FcrPair *p = chunks[i].p;

		for (int64 j = 0; j < chunks[i].len; j++)
			dst[next[fcr_mix(p[j].key) >> 56]++] = p[j];
	}
	CHECK_FOR_INTERRUPTS();

	for (int b = 0; b < 256; b++)
		biggest = Max(biggest, start[b + 1] - start[b]);
	fcr_scratch_bytes = Max(Min(biggest, FCR_SCRATCH_MAX), 1) * sizeof(FcrPair);
	scratch = palloc_extended(fcr_scratch_bytes, MCXT_ALLOC_HUGE);
	for (int b = 0; b < 256; b++)
	{
		int64		len = start[b + 1] - start[b];

		if (len > FCR_SCRATCH_MAX)
			fcr_sort_bucket_inplace(dst + start[b], len);
		else if (len > 0)
			fcr_sort_bucket_scratch(dst + start[b], len, scratch);
		if (c && len > 0)
			fcr_count_sorted(dst + start[b], len, window_us, c);
	}
	pfree(scratch);
}

/* ---------- merging sorted runs ---------- */

/* Most sorted runs merged directly; more are sorted again instead. */
#define FCR_MERGE_MAX 8

/* Sorted runs this long are kept as runs when states are combined. */
#define FCR_RUN_MIN 1024

typedef struct FcrRun
{
	const FcrPair *p;
	const FcrPair *end;			/* of the current chunk */
	uint64		mix;			/* fcr_mix(p->key) */
	int64		prev_key;		/* key of the pair before p */
	const FcrChunk *next;		/* the run's next chunk, if it continues */
	const FcrChunk *last;		/* one past the chunks */
} FcrRun;

/* Steps a run to its next pair; false when it is exhausted. */
static inline bool
fcr_run_step(FcrRun *r)
{
	r->prev_key = r->p->key;
	if (++r->p == r->end)
	{
		while (r->next < r->last && r->next->cont && r->next->len == 0)
			r->next++;
		if (r->next == r->last || !r->next->cont)
			return false;
		r->p = r->next->p;
		r->end = r->next->p + r->next->len;
		r->next++;
	}
	if (r->p->key != r->prev_key)
		r->mix = fcr_mix(r->p->key);
	return true;
}

/*
 * Whether every non-empty chunk is sorted and they form few enough runs to
 * merge.  A run may span several chunks (cont), so that no single
 * allocation is above 16 MB: freed blocks of that size are reused by the
 * C library, bigger ones are fresh pages from the kernel each time, whose
 * first touch is costly on virtual machines.
 */
static bool
fcr_mergeable(const FcrChunk *chunks, int nchunks)
{
	int			k = 0;

	for (int i = 0; i < nchunks; i++)
	{
		if (chunks[i].len == 0 && !chunks[i].cont)
			continue;
		if (!chunks[i].sorted)
			return false;
		if (!chunks[i].cont && ++k > FCR_MERGE_MAX)
			return false;
	}
	return true;
}

static inline bool
fcr_run_before(const FcrRun *a, const FcrRun *b)
{
	return a->mix < b->mix || (a->mix == b->mix && a->p->ts < b->p->ts);
}

/*
 * Counts two sorted runs (a leader and one parallel worker), customer by
 * customer: the customer with the smaller mix goes first; one that both
 * runs hold has its contacts merged by time.
 */
static void
fcr_merge2_count(FcrRun *a, FcrRun *b, int64 window_us, FcrCounts *c)
{
	uint64		w = (uint64) window_us;
	bool		more_a = true;
	bool		more_b = true;
	int64		first = 0;
	int64		resolved = 0;
	int64		contacts = 0;
	int64		groups = 0;

	while (more_a || more_b)
	{
		int64		key;
		bool		in_a;
		bool		in_b;
		bool		any = false;
		bool		pending = false;
		int64		prev_ts = 0;

		if (more_a && (!more_b || a->mix < b->mix))
			key = a->p->key, in_a = true, in_b = false;
		else if (!more_a || b->mix < a->mix)
			key = b->p->key, in_a = false, in_b = true;
		else
			key = a->p->key, in_a = true, in_b = true;
		for (;;)
		{
			FcrRun	   *r;
			int64		ts;

			if (in_a && in_b)
				r = a->p->ts <= b->p->ts ? a : b;
			else if (in_a)
				r = a;
			else if (in_b)
				r = b;
			else
				break;
			ts = r->p->ts;
			if (!any || fcr_gap(prev_ts, ts) > w)
			{
				resolved += pending;
				first++;
				pending = true;
			}
			else
				pending = false;
			any = true;
			prev_ts = ts;
			contacts++;
			if (r == a)
			{
				more_a = fcr_run_step(a);
				in_a = more_a && a->p->key == key;
			}
			else
			{
				more_b = fcr_run_step(b);
				in_b = more_b && b->p->key == key;
			}
		}
		resolved += pending;
		if ((++groups & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	c->first += first;
	c->resolved += resolved;
	c->contacts += contacts;
}

/*
 * Merges sorted chunks (fcr_mergeable) in one linear pass: into dst in
 * canonical order when dst is not NULL, into the counts c when c is not
 * NULL.  The run with the smallest head gives pairs for as long as they
 * stay before every other run's head, so a customer's contacts within one
 * run are copied together.
 */
static void
fcr_merge(const FcrChunk *chunks, int nchunks, FcrPair *dst, int64 window_us, FcrCounts *c)
{
	FcrRun		runs[FCR_MERGE_MAX];
	int			k = 0;
	FcrCounter	counter = {c, (uint64) window_us, false, false, 0, 0};
	int64		done = 0;

	for (int i = 0; i < nchunks; i++)
		if (chunks[i].len > 0 && !chunks[i].cont)
		{
			FcrRun	   *r = &runs[k++];

			r->p = chunks[i].p;
			r->end = chunks[i].p + chunks[i].len;
			r->mix = fcr_mix(r->p->key);
			r->next = &chunks[i + 1];
			r->last = &chunks[nchunks];
		}
	/* one run in one chunk: a copy, or the plain count */
	if (k == 1 && (runs[0].next == runs[0].last || !runs[0].next->cont))
	{
		if (dst)
			memcpy(dst, runs[0].p, (Size) (runs[0].end - runs[0].p) * sizeof(FcrPair));
		if (c)
			fcr_count_sorted(runs[0].p, runs[0].end - runs[0].p, window_us, c);
		return;
	}
	if (k == 2 && dst == NULL)
	{
		fcr_merge2_count(&runs[0], &runs[1], window_us, c);
		return;
	}
	while (k > 0)
	{
		int			best = 0;
		int			second = -1;
		FcrRun	   *r;
		bool		more;

		for (int i = 1; i < k; i++)
		{
			if (fcr_run_before(&runs[i], &runs[best]))
			{
				second = best;
				best = i;
			}
			else if (second < 0 || fcr_run_before(&runs[i], &runs[second]))
				second = i;
		}
		r = &runs[best];
		/* give pairs from r while they come before the second run's head */
		do
		{
			if (dst)
				*dst++ = *r->p;
			if (c)
				fcr_counter_add(&counter, r->p);
			more = fcr_run_step(r);
		} while (more && (second < 0 || fcr_run_before(r, &runs[second])));
		if (!more)
			runs[best] = runs[--k];
		if ((++done & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	if (c)
		fcr_counter_end(&counter);
}

/*
 * Writes the pairs of chunks to dst in canonical order (and counts them
 * into c when not NULL): a linear merge when the chunks are a few sorted
 * runs, else the radix sort.
 */
static void
fcr_canonical_into(const FcrChunk *chunks, int nchunks, int64 n, FcrPair *dst,
				   int64 window_us, FcrCounts *c)
{
	if (fcr_mergeable(chunks, nchunks))
		fcr_merge(chunks, nchunks, dst, window_us, c);
	else
		fcr_radix_into(chunks, nchunks, n, dst, window_us, c);
}

/* ---------- the expanded state ---------- */

static void fcr_invalid(const char *detail) pg_attribute_noreturn();

static Size fcr_get_flat_size(ExpandedObjectHeader *eohptr);
static void fcr_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods fcr_methods = {
	fcr_get_flat_size,
	fcr_flatten_into
};

static Size
fcr_get_flat_size(ExpandedObjectHeader *eohptr)
{
	FcrState   *st = (FcrState *) eohptr;

	return FCR_HDRSZ + (Size) st->n * sizeof(FcrPair);
}

/*
 * The flat form lists the pairs in canonical order: a state leaving the
 * aggregate (a parallel worker's partial state, which this sorts in the
 * worker; a stored fcr_agg) is sorted here, or merged when it already is a
 * few sorted runs.
 */
static void
fcr_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	FcrState   *st = (FcrState *) eohptr;
	FcrFlat    *f = (FcrFlat *) result;

	Assert(allocated_size == fcr_get_flat_size(eohptr));
	memset(f, 0, FCR_HDRSZ);
	ccr_summary_init(&f->hdr, allocated_size, FCR_FAMILY_TAG, fcr_header_flags(st->keytype));
	f->window_us = st->window_us;
	f->contacts = st->n;
	if (st->n > 0)
		fcr_canonical_into(st->chunks, st->nchunks, st->n, f->pairs, 0, NULL);
}

/*
 * Asks for transparent huge pages on a big pair array.  First touches of
 * fresh 4 kB pages were a fifth of the run time of a 2-million-contact
 * fcr_rate on virtual machines; with 2 MB pages they vanish.  Advisory
 * only: any failure is ignored.
 */
static void
fcr_advise_huge(void *ptr, Size size)
{
#if defined(MADV_HUGEPAGE)
	const uintptr_t huge = 2 * 1024 * 1024;
	uintptr_t	start = ((uintptr_t) ptr + huge - 1) & ~(huge - 1);
	uintptr_t	end = ((uintptr_t) ptr + size) & ~(huge - 1);

	if (end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

static FcrPair *
fcr_alloc_pairs(MemoryContext cxt, int64 n)
{
	FcrPair    *p = MemoryContextAllocHuge(cxt, (Size) Max(n, 1) * sizeof(FcrPair));

	fcr_advise_huge(p, (Size) n * sizeof(FcrPair));
	return p;
}

/* Largest chunk allocated for appends, in contacts (16 MB). */
#define FCR_CHUNK_MAX (1 << 20)

/* Smallest chunk added to a state, in contacts. */
#define FCR_CHUNK_MIN 8

/* Chunks up to this many contacts are rounded up to a power of two. */
#define FCR_CHUNK_POW2 512

/* Slots of the first chunk slot array (the state's own slot0 is one). */
#define FCR_SLOTS_MIN 4

static FcrChunk *
fcr_next_chunk_slot(FcrState *st)
{
	if (st->nchunks == st->maxchunks)
	{
		int			newmax = Max(FCR_SLOTS_MIN, st->maxchunks * 2);

		if (st->chunks == &st->slot0)
		{
			st->chunks = MemoryContextAlloc(st->hdr.eoh_context, newmax * sizeof(FcrChunk));
			memcpy(st->chunks, &st->slot0, st->nchunks * sizeof(FcrChunk));
		}
		else
			st->chunks = repalloc(st->chunks, newmax * sizeof(FcrChunk));
		st->maxchunks = newmax;
	}
	return &st->chunks[st->nchunks++];
}

/* Frees the pairs of a chunk, unless they are the state's own room. */
static inline void
fcr_free_pairs(FcrState *st, FcrPair *p)
{
	if (p != st->room)
		pfree(p);
}

/*
 * Adds a chunk with room for at least "need" contacts: as big as what the
 * state holds already (geometric growth, so few chunks), at least 8, up to
 * 16 MB, and never past the limit.  Small chunks are a power of two (the
 * size the allocator gives them anyway).  Chunks are never reallocated:
 * nothing is copied while a state grows.
 */
static FcrChunk *
fcr_new_chunk(FcrState *st, int64 need)
{
	int64		limit = fcr_check_limit(st->n + need);
	int64		cap = Max(need, Min(Max(st->n, FCR_CHUNK_MIN), FCR_CHUNK_MAX));
	FcrChunk   *c;

	if (cap <= FCR_CHUNK_POW2)
		cap = pg_nextpower2_32((uint32) cap);
	cap = Min(cap, limit - st->cap);
	cap = Max(cap, need);
	c = fcr_next_chunk_slot(st);
	c->p = fcr_alloc_pairs(st->hdr.eoh_context, cap);
	c->len = 0;
	c->cap = cap;
	c->sorted = false;
	c->cont = false;
	st->cap += cap;
	return c;
}

/*
 * The memory context of the FCR states of one aggregate context: one child
 * of it, created for the first state and shared by every state of the
 * aggregate context (every group of a hash aggregate), so a state costs one
 * small allocation instead of a memory context of its own.  The executor
 * adopts a state without copying it because the state's context is a child
 * of the aggregate context; it resets or deletes the aggregate context
 * (between the groups of a sorted aggregate, the batches of a spilling hash
 * aggregate, the restarts of a window aggregate), which deletes this child
 * with all its states, and a callback then forgets it.  The executor never
 * frees one of these states alone: DeleteExpandedObject would delete the
 * shared context, and it is called only on a transition value that the
 * transition function replaced, which ours never do with one of our states
 * (fcr_trans returns the state it was given, combine too when it is ours
 * and in this aggregate context).
 *
 * Remembered per call site (fn_extra), one entry per aggregate context the
 * call site has seen (a sorted grouping set each, a hash aggregate one).
 */
typedef struct FcrStatesCxt
{
	MemoryContext aggcxt;
	MemoryContext cxt;			/* the shared child of aggcxt, or NULL */
	struct FcrStatesCxt *next;
} FcrStatesCxt;

static void
fcr_states_context_gone(void *arg)
{
	((FcrStatesCxt *) arg)->cxt = NULL;
}

static MemoryContext
fcr_states_context(FunctionCallInfo fcinfo, MemoryContext aggcxt)
{
	FcrStatesCxt *e;
	MemoryContextCallback *cb;

	for (e = (FcrStatesCxt *) fcinfo->flinfo->fn_extra; e != NULL; e = e->next)
		if (e->aggcxt == aggcxt)
			break;
	if (e == NULL)
	{
		e = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FcrStatesCxt));
		e->aggcxt = aggcxt;
		e->next = (FcrStatesCxt *) fcinfo->flinfo->fn_extra;
		fcinfo->flinfo->fn_extra = e;
	}
	if (e->cxt == NULL)
	{
		e->cxt = AllocSetContextCreate(aggcxt, "ccr fcr states", ALLOCSET_DEFAULT_SIZES);
		cb = MemoryContextAlloc(e->cxt, sizeof(MemoryContextCallback));
		cb->func = fcr_states_context_gone;
		cb->arg = e;
		MemoryContextRegisterResetCallback(e->cxt, cb);
	}
	return e->cxt;
}

/*
 * A new empty state in the aggregate context aggcxt: one allocation in the
 * context its states share, its first chunk the room for FCR_ROOM contacts
 * inside it (fewer under a lower ccr.fcr_max_contacts).
 */
static FcrState *
fcr_state_new(FunctionCallInfo fcinfo, MemoryContext aggcxt, uint8 keytype, int64 window_us)
{
	MemoryContext cxt = fcr_states_context(fcinfo, aggcxt);
	FcrState   *st = MemoryContextAllocZero(cxt, FCR_STATE_SIZE);

	EOH_init_header(&st->hdr, &fcr_methods, cxt);
	st->keytype = keytype;
	st->window_us = window_us;
	st->counted_n = -1;
	st->maxchunks = 1;
	st->nchunks = 1;
	st->chunks = &st->slot0;
	st->slot0.p = st->room;
	st->slot0.cap = st->cap = Min(FCR_ROOM, fcr_max_contacts());
	return st;
}

/* Appends n contacts (to unsorted chunks only). */
static void
fcr_append(FcrState *st, const FcrPair *src, int64 n)
{
	while (n > 0)
	{
		FcrChunk   *c = &st->chunks[st->nchunks - 1];
		int64		k;

		if (c->len == c->cap || c->sorted)
			c = fcr_new_chunk(st, n);
		k = Min(n, c->cap - c->len);
		memcpy(c->p + c->len, src, (Size) k * sizeof(FcrPair));
		c->len += k;
		st->n += k;
		src += k;
		n -= k;
	}
}

/*
 * Adds a sorted run (or, with cont, the next part of the run added last)
 * as chunks of its own, at most 16 MB each, exactly its size and full (so
 * nothing is ever appended to them), which the final step merges instead
 * of sorting again.
 */
static void
fcr_add_run(FcrState *st, const FcrPair *src, int64 n, bool cont)
{
	fcr_check_limit(st->n + n);
	while (n > 0)
	{
		int64		len = Min(n, FCR_CHUNK_MAX);
		FcrChunk   *c = fcr_next_chunk_slot(st);

		c->p = fcr_alloc_pairs(st->hdr.eoh_context, len);
		memcpy(c->p, src, (Size) len * sizeof(FcrPair));
		c->len = len;
		c->cap = len;
		c->sorted = true;
		c->cont = cont;
		st->n += len;
		st->cap += len;
		src += len;
		n -= len;
		cont = true;
	}
}

/*
 * Adds the pairs of a flat value whose header is validated but not its
 * pairs (a partial state arriving at a combine): they are checked while
 * they are copied, in one pass, and kept as a run when they are sorted.
 */
static void
fcr_add_checked_run(FcrState *st, const FcrPair *src, int64 n)
{
	int			first_chunk = st->nchunks;
	bool		sorted = true;
	uint64		prev_mix = fcr_mix(src[0].key);
	int64		done = 0;

	fcr_check_limit(st->n + n);
	while (done < n)
	{
		int64		len = Min(n - done, FCR_CHUNK_MAX);
		FcrChunk   *c = fcr_next_chunk_slot(st);
		FcrPair    *dst;

		c->len = c->cap = 0;
		c->sorted = c->cont = false;
		c->p = dst = fcr_alloc_pairs(st->hdr.eoh_context, len);
		for (int64 i = done; i < done + len; i++)
		{
			FcrPair		x = src[i];

			if (!IS_VALID_TIMESTAMP(x.ts))
				fcr_invalid(psprintf("contact " INT64_FORMAT " has an invalid timestamp " INT64_FORMAT, i + 1, x.ts));
			if (i > 0 && sorted)
			{
				if (x.key == src[i - 1].key)
					sorted = x.ts >= src[i - 1].ts;
				else
				{
					uint64		m = fcr_mix(x.key);

					sorted = m > prev_mix;
					prev_mix = m;
				}
			}
			*dst++ = x;
		}
		c->len = c->cap = len;
		c->sorted = true;
		c->cont = done > 0;
		st->n += len;
		st->cap += len;
		done += len;
	}
	if (!sorted)
		for (int i = first_chunk; i < st->nchunks; i++)
			st->chunks[i].sorted = st->chunks[i].cont = false;
}

/* Adds the contacts of chunks: long sorted runs as runs, the rest appended. */
static void
fcr_state_add(FcrState *st, const FcrChunk *chunks, int nchunks)
{
	for (int i = 0; i < nchunks;)
	{
		int			j = i + 1;
		int64		len = chunks[i].len;

		/* a run and its continuation chunks */
		while (chunks[i].sorted && j < nchunks && chunks[j].cont)
			len += chunks[j++].len;
		if (chunks[i].sorted && !chunks[i].cont && len >= FCR_RUN_MIN)
		{
			for (int m = i; m < j; m++)
				fcr_add_run(st, chunks[m].p, chunks[m].len, m > i);
		}
		else
		{
			for (int m = i; m < j; m++)
				if (chunks[m].len > 0)
					fcr_append(st, chunks[m].p, chunks[m].len);
		}
		i = j;
	}
}

/* ---------- reading a summary from outside ---------- */

static void
fcr_invalid(const char *detail) pg_attribute_noreturn();

static void
fcr_invalid(const char *detail)
{
	ccr_summary_invalid(FCR_TYPE_NAME, detail);
}

/* Everything but the size, which the callers check against their source. */
static void
fcr_validate_fields(uint8 version, uint8 family, uint8 keytype, uint8 flags,
					int64 window_us, int64 contacts)
{
	if (version != FCR_FORMAT_VERSION)
		fcr_invalid(psprintf("unsupported format version %d", version));
	if (family != FCR_FAMILY_TAG)
		fcr_invalid(psprintf("family tag %d is not ccr.fcr_summary", family));
	if (keytype != FCR_KEY_BIGINT && keytype != FCR_KEY_TEXT)
		fcr_invalid(psprintf("unknown customer key type %d", keytype));
	if (flags != 0)
		fcr_invalid("reserved header bits are set");
	if (window_us < 0)
		fcr_invalid(psprintf("window_us " INT64_FORMAT " is negative", window_us));
	if (contacts < 0 || contacts > FCR_HARD_MAX_CONTACTS)
		fcr_invalid(psprintf("contacts " INT64_FORMAT " is out of range", contacts));
}

/* Checks every timestamp; returns whether the pairs are in canonical order. */
static bool
fcr_validate_pairs(const FcrPair *p, int64 n)
{
	bool		sorted = true;
	uint64		prev_mix = n > 0 ? fcr_mix(p[0].key) : 0;

	for (int64 i = 0; i < n; i++)
	{
		if (!IS_VALID_TIMESTAMP(p[i].ts))
			fcr_invalid(psprintf("contact " INT64_FORMAT " has an invalid timestamp " INT64_FORMAT, i + 1, p[i].ts));
		if (i == 0 || !sorted)
			continue;
		if (p[i].key == p[i - 1].key)
			sorted = p[i].ts >= p[i - 1].ts;
		else
		{
			uint64		m = fcr_mix(p[i].key);

			sorted = m > prev_mix;
			prev_mix = m;
		}
	}
	return sorted;
}

/* Validates a flat value but its pairs. */
static void
fcr_validate_header(const FcrFlat *f, Size size)
{
	ccr_header_validate(FCR_TYPE_NAME, FCR_FAMILY_TAG, &f->hdr, size, FCR_HDRSZ, 0xFFFF);
	fcr_validate_fields(f->hdr.version, f->hdr.family, FCR_KEYTYPE(f), FCR_RESERVED(f), f->window_us, f->contacts);
	if (size != FCR_HDRSZ + (Size) f->contacts * sizeof(FcrPair))
		fcr_invalid(psprintf("size is %zu bytes, expected %zu for " INT64_FORMAT " contacts",
							 (size_t) size, (size_t) (FCR_HDRSZ + (Size) f->contacts * sizeof(FcrPair)),
							 f->contacts));
}

/* Validates a flat value; returns whether its pairs are in canonical order. */
static bool
fcr_validate_flat(const FcrFlat *f, Size size)
{
	fcr_validate_header(f, size);
	return fcr_validate_pairs(f->pairs, f->contacts);
}

/*
 * Checks every timestamp of a flat value and counts its pairs as if they
 * were in canonical order, in one pass; returns whether they are (the
 * counts are only right then).
 */
static bool
fcr_validate_count(const FcrPair *p, int64 n, int64 window_us, FcrCounts *c)
{
	FcrCounter	counter = {c, (uint64) window_us, false, false, 0, 0};
	bool		sorted = true;
	uint64		prev_mix = n > 0 ? fcr_mix(p[0].key) : 0;

	for (int64 i = 0; i < n; i++)
	{
		if (!IS_VALID_TIMESTAMP(p[i].ts))
			fcr_invalid(psprintf("contact " INT64_FORMAT " has an invalid timestamp " INT64_FORMAT, i + 1, p[i].ts));
		if (i > 0 && sorted)
		{
			if (p[i].key == p[i - 1].key)
				sorted = p[i].ts >= p[i - 1].ts;
			else
			{
				uint64		m = fcr_mix(p[i].key);

				sorted = m > prev_mix;
				prev_mix = m;
			}
		}
		fcr_counter_add(&counter, &p[i]);
	}
	fcr_counter_end(&counter);
	return sorted;
}

static inline FcrState *
fcr_our_state(Datum d)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &fcr_methods)
			return (FcrState *) eoh;
	}
	return NULL;
}

/*
 * A read-only view of a summary.  Our own expanded objects are read in
 * place (they were built by our own functions); anything else is detoasted
 * and validated, and whether its pairs are in canonical order is noted
 * (every flat value this version writes is; one stored by 0.2.0 may not be).
 */
static void
fcr_view_checked(Datum d, FcrView *v, bool check_pairs)
{
	FcrState   *st = fcr_our_state(d);
	FcrFlat    *f;

	if (st)
	{
		v->keytype = st->keytype;
		v->window_us = st->window_us;
		v->n = st->n;
		v->nchunks = st->nchunks;
		v->chunks = st->chunks;
		v->state = st;
		v->pairs_checked = true;
		return;
	}
	f = (FcrFlat *) PG_DETOAST_DATUM(d);
	if (check_pairs)
		v->one.sorted = fcr_validate_flat(f, VARSIZE(f));
	else
	{
		fcr_validate_header(f, VARSIZE(f));
		v->one.sorted = false;
	}
	v->pairs_checked = check_pairs;
	v->keytype = FCR_KEYTYPE(f);
	v->window_us = f->window_us;
	v->n = f->contacts;
	v->one.p = f->pairs;
	v->one.len = v->one.cap = f->contacts;
	v->one.cont = false;
	v->nchunks = 1;
	v->chunks = &v->one;
	v->state = NULL;
}

static inline void
fcr_view(Datum d, FcrView *v)
{
	fcr_view_checked(d, v, true);
}

/*
 * The pairs of a view in canonical order: the view's own array when it is
 * one sorted run, else a new array in *tofree.
 */
static const FcrPair *
fcr_view_sorted(const FcrView *v, FcrPair **tofree)
{
	*tofree = NULL;
	if (v->nchunks == 1 && v->chunks[0].sorted)
		return v->chunks[0].p;
	*tofree = palloc_extended((Size) Max(v->n, 1) * sizeof(FcrPair), MCXT_ALLOC_HUGE);
	if (v->n > 0)
		fcr_canonical_into(v->chunks, v->nchunks, v->n, *tofree, 0, NULL);
	return *tofree;
}

/* Puts the pairs of a new flat value in canonical order, if they are not. */
static void
fcr_flat_canonicalize(FcrFlat *f, bool sorted)
{
	FcrChunk	one;
	FcrPair    *tmp;

	if (sorted)
		return;
	one.p = f->pairs;
	one.len = one.cap = f->contacts;
	one.sorted = false;
	one.cont = false;
	tmp = palloc_extended((Size) f->contacts * sizeof(FcrPair), MCXT_ALLOC_HUGE);
	fcr_radix_into(&one, 1, f->contacts, tmp, 0, NULL);
	memcpy(f->pairs, tmp, (Size) f->contacts * sizeof(FcrPair));
	pfree(tmp);
}

/* ---------- final counts ---------- */

/*
 * A state of at most FCR_RADIX_MIN contacts (most groups of a GROUP BY
 * customer) is sorted through a buffer on the stack and written back into
 * its own chunks, which become one sorted run: nothing is allocated or
 * freed.
 */
static void
fcr_state_count_small(FcrState *st, FcrCounts *c)
{
	FcrPair		tmp[FCR_RADIX_MIN];
	int64		k = 0;
	bool		any = false;

	Assert(st->n <= FCR_RADIX_MIN);
	for (int i = 0; i < st->nchunks; i++)
	{
		memcpy(tmp + k, st->chunks[i].p, (Size) st->chunks[i].len * sizeof(FcrPair));
		k += st->chunks[i].len;
	}
	Assert(k == st->n);
	fcr_sort_small(tmp, k);
	fcr_count_sorted(tmp, k, st->window_us, c);
	k = 0;
	for (int i = 0; i < st->nchunks; i++)
	{
		FcrChunk   *ch = &st->chunks[i];

		memcpy(ch->p, tmp + k, (Size) ch->len * sizeof(FcrPair));
		k += ch->len;
		/* sorted chunks are full: the room left is given up */
		st->cap -= ch->cap - ch->len;
		ch->cap = ch->len;
		ch->sorted = true;
		ch->cont = any;
		any = any || ch->len > 0;
	}
}

/*
 * Our state: a few sorted runs (the partial states of parallel workers,
 * shards or stored summaries) are merged and counted in one linear pass,
 * without a copy.  Otherwise the chunks are sorted into one new array
 * (fcr_radix_into, counting as it goes), the old chunks are freed and the
 * array becomes the state's only chunk, sorted.  Peak: 16 more bytes per
 * contact during this step.  A small state is sorted in place.
 */
static void
fcr_state_count(FcrState *st, FcrCounts *c)
{
	FcrPair    *dst;

	memset(c, 0, sizeof(*c));
	if (st->n <= FCR_RADIX_MIN)
	{
		fcr_state_count_small(st, c);
		return;
	}
	if (fcr_mergeable(st->chunks, st->nchunks))
	{
		fcr_merge(st->chunks, st->nchunks, NULL, st->window_us, c);
		return;
	}
	dst = fcr_alloc_pairs(st->hdr.eoh_context, st->n);
	fcr_radix_into(st->chunks, st->nchunks, st->n, dst, st->window_us, c);
	for (int i = 0; i < st->nchunks; i++)
		fcr_free_pairs(st, st->chunks[i].p);
	st->nchunks = 1;
	st->chunks[0].p = dst;
	st->chunks[0].len = st->n;
	st->chunks[0].cap = st->n;
	st->chunks[0].sorted = true;
	st->chunks[0].cont = false;
	st->cap = st->n;
}

/* Bytes a state's own allocations take (its context is shared). */
static Size
fcr_state_bytes(FcrState *st)
{
	Size		bytes = GetMemoryChunkSpace(st);

	if (st->chunks != &st->slot0)
		bytes += GetMemoryChunkSpace(st->chunks);
	for (int i = 0; i < st->nchunks; i++)
		if (st->chunks[i].p != st->room)
			bytes += GetMemoryChunkSpace(st->chunks[i].p);
	return bytes;
}

/*
 * Counts of a summary: our expanded state is counted in place (regrouping
 * it changes nothing, the value is a multiset) and the counts are cached
 * until it grows; a flat value in canonical order is counted as it is, any
 * other is sorted into a private copy first.
 */
static void
fcr_counts(Datum d, FcrCounts *c)
{
	FcrView		v;

	if (fcr_our_state(d) == NULL)
	{
		/* a flat value: validated and counted in one pass when it is sorted */
		FcrFlat    *f = (FcrFlat *) PG_DETOAST_DATUM(d);

		fcr_validate_header(f, VARSIZE(f));
		memset(c, 0, sizeof(*c));
		if (!fcr_validate_count(f->pairs, f->contacts, f->window_us, c))
		{
			FcrChunk	one = {f->pairs, f->contacts, f->contacts, false, false};
			FcrPair    *tmp = palloc_extended((Size) Max(f->contacts, 1) * sizeof(FcrPair), MCXT_ALLOC_HUGE);

			memset(c, 0, sizeof(*c));
			fcr_radix_into(&one, 1, f->contacts, tmp, f->window_us, c);
			pfree(tmp);
		}
		return;
	}
	fcr_view(d, &v);
	if (v.state->counted_n == v.n)
	{
		c->contacts = v.n;
		c->first = v.state->first;
		c->resolved = v.state->resolved;
		return;
	}
	{
		Size		before = fcr_state_bytes(v.state);
		int			nchunks = v.state->nchunks;
		bool		merged = fcr_mergeable(v.state->chunks, v.state->nchunks);

		fcr_scratch_bytes = 0;
		fcr_state_count(v.state, c);
		/* peak: the chunks, plus the sorted copy and scratch of the final step */
		elog(DEBUG1, "ccr fcr state: " INT64_FORMAT " contacts (" INT64_FORMAT " bytes of pairs) in %d chunks%s; "
			 "%zu bytes allocated while aggregating, peak %zu bytes in the final step (sorted copy + %zu bytes scratch)",
			 v.n, v.n * (int64) sizeof(FcrPair), nchunks, merged ? ", merged as sorted runs" : "", before,
			 before + (merged ? 0 : (Size) v.n * sizeof(FcrPair)) + fcr_scratch_bytes,
			 fcr_scratch_bytes);
	}
	v.state->counted_n = v.n;
	v.state->first = c->first;
	v.state->resolved = c->resolved;
}

/* ---------- transition ---------- */

static Datum
fcr_trans(FunctionCallInfo fcinfo, uint8 keytype)
{
	MemoryContext aggcxt = ccr_agg_context(fcinfo, "ccr.fcr_trans");
	FcrState   *st = NULL;
	Interval   *iv;
	int64		key;
	int64		ts;

	if (!PG_ARGISNULL(0))
	{
		st = fcr_our_state(PG_GETARG_DATUM(0));
		if (st == NULL || !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))))
		{
			/* not our own working state (can't happen through CREATE AGGREGATE) */
			elog(ERROR, "ccr.fcr_trans called with a foreign state");
		}
	}

	/* the window is checked on every row, even those skipped for NULLs */
	if (PG_ARGISNULL(3))
		(void) fcr_window_usec(fcinfo, 3);
	iv = PG_GETARG_INTERVAL_P(3);
	if (st == NULL || memcmp(iv, &st->window_iv, sizeof(Interval)) != 0)
	{
		int64		w = fcr_window_usec(fcinfo, 3);

		if (st && w != st->window_us)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("repeat_window must be the same for every row of one aggregate, got %s after %s",
							interval_text(iv), usec_text(st->window_us))));
		if (st == NULL)
		{
			if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
				PG_RETURN_NULL();
			st = fcr_state_new(fcinfo, aggcxt, keytype, w);
		}
		st->window_iv = *iv;
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));

	ts = PG_GETARG_TIMESTAMPTZ(2);
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("contact_at must be finite, got %s",
						DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(ts))))));
	if (keytype == FCR_KEY_BIGINT)
		key = PG_GETARG_INT64(1);
	else
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		key = (int64) fcr_hash_bytes((const unsigned char *) VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}

	{
		FcrChunk   *c = &st->chunks[st->nchunks - 1];

		if (unlikely(c->len == c->cap))
			c = fcr_new_chunk(st, 1);
		c->p[c->len].key = key;
		c->p[c->len].ts = ts;
		c->len++;
		st->n++;
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

PG_FUNCTION_INFO_V1(ccr_fcr_trans_bigint);
Datum
ccr_fcr_trans_bigint(PG_FUNCTION_ARGS)
{
	return fcr_trans(fcinfo, FCR_KEY_BIGINT);
}

PG_FUNCTION_INFO_V1(ccr_fcr_trans_text);
Datum
ccr_fcr_trans_text(PG_FUNCTION_ARGS)
{
	return fcr_trans(fcinfo, FCR_KEY_TEXT);
}

/* ---------- combine (parallel combine and ccr.rollup) ---------- */

static FcrFlat *
fcr_flat_alloc(uint8 keytype, int64 window_us, int64 n)
{
	Size		size = FCR_HDRSZ + (Size) n * sizeof(FcrPair);
	FcrFlat    *f = palloc_extended(size, MCXT_ALLOC_HUGE);

	memset(f, 0, FCR_HDRSZ);
	ccr_summary_init(&f->hdr, size, FCR_FAMILY_TAG, fcr_header_flags(keytype));
	f->window_us = window_us;
	f->contacts = n;
	return f;
}

static void
fcr_check_compatible(const FcrView *a, const FcrView *b)
{
	if (a->keytype != b->keytype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine ccr.fcr_summary values with different customer key types (%s and %s)",
						fcr_key_names[a->keytype], fcr_key_names[b->keytype])));
	if (a->window_us != b->window_us)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine ccr.fcr_summary values with different repeat_window (%s and %s)",
						usec_text(a->window_us), usec_text(b->window_us)),
				 errhint("Summaries merge only when they were built with the same parameters.")));
}

/*
 * combine(a, b): the multiset union.  Inside an aggregate, a is our working
 * state (grown in place) or NULL/flat (copied into a new state in the
 * aggregate context); b is only read, never returned.  Sorted runs (the
 * flat partial states of parallel workers and shards, stored summaries)
 * stay runs for the final step to merge.  Called directly, the result is a
 * fresh flat value in canonical order.
 */
PG_FUNCTION_INFO_V1(ccr_fcr_summary_combine);
Datum
ccr_fcr_summary_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	bool		inagg = AggCheckCallContext(fcinfo, &aggcxt);
	FcrView		a;
	FcrView		b;
	FcrState   *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		fcr_view(PG_GETARG_DATUM(0), &a);
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	/* inside an aggregate, b's pairs are checked while they are copied */
	fcr_view_checked(PG_GETARG_DATUM(1), &b, !inagg);
	if (PG_ARGISNULL(0))
	{
		a = b;
		a.n = 0;
		a.nchunks = 0;
		a.state = NULL;
		a.pairs_checked = true;
	}
	else
		fcr_view(PG_GETARG_DATUM(0), &a);
	fcr_check_compatible(&a, &b);
	fcr_check_limit(a.n + b.n);

	if (!inagg)
	{
		FcrFlat    *f = fcr_flat_alloc(a.keytype, a.window_us, a.n + b.n);
		FcrChunk   *all = palloc((a.nchunks + b.nchunks) * sizeof(FcrChunk));

		memcpy(all, a.chunks, a.nchunks * sizeof(FcrChunk));
		memcpy(all + a.nchunks, b.chunks, b.nchunks * sizeof(FcrChunk));
		if (a.n + b.n > 0)
			fcr_canonical_into(all, a.nchunks + b.nchunks, a.n + b.n, f->pairs, 0, NULL);
		pfree(all);
		PG_RETURN_POINTER(f);
	}

	st = a.state;
	if (st == NULL || !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(PG_GETARG_DATUM(0))) ||
		MemoryContextGetParent(st->hdr.eoh_context) != aggcxt)
	{
		st = fcr_state_new(fcinfo, aggcxt, a.keytype, a.window_us);
		fcr_state_add(st, a.chunks, a.nchunks);
	}
	if (b.state == st)
		elog(ERROR, "ccr.fcr_summary_combine cannot combine a state with itself");
	if (b.pairs_checked)
		fcr_state_add(st, b.chunks, b.nchunks);
	else if (b.n >= FCR_RUN_MIN)
		fcr_add_checked_run(st, b.one.p, b.n);
	else
	{
		(void) fcr_validate_pairs(b.one.p, b.n);
		fcr_append(st, b.one.p, b.n);
	}
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* ---------- accessors ---------- */

PG_FUNCTION_INFO_V1(ccr_fcr_summary_fcr_rate);
Datum
ccr_fcr_summary_fcr_rate(PG_FUNCTION_ARGS)
{
	FcrCounts	c;

	fcr_counts(PG_GETARG_DATUM(0), &c);
	if (c.first == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) c.resolved / (double) c.first);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_repeat_rate);
Datum
ccr_fcr_summary_repeat_rate(PG_FUNCTION_ARGS)
{
	FcrCounts	c;

	fcr_counts(PG_GETARG_DATUM(0), &c);
	if (c.contacts == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (c.contacts - c.first) / (double) c.contacts);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_first_contacts);
Datum
ccr_fcr_summary_first_contacts(PG_FUNCTION_ARGS)
{
	FcrCounts	c;

	fcr_counts(PG_GETARG_DATUM(0), &c);
	PG_RETURN_INT64(c.first);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_resolved);
Datum
ccr_fcr_summary_resolved(PG_FUNCTION_ARGS)
{
	FcrCounts	c;

	fcr_counts(PG_GETARG_DATUM(0), &c);
	PG_RETURN_INT64(c.resolved);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_total);
Datum
ccr_fcr_summary_total(PG_FUNCTION_ARGS)
{
	FcrView		v;

	fcr_view(PG_GETARG_DATUM(0), &v);
	PG_RETURN_INT64(v.n);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_repeat_window);
Datum
ccr_fcr_summary_repeat_window(PG_FUNCTION_ARGS)
{
	FcrView		v;
	Interval   *iv = palloc(sizeof(Interval));

	fcr_view(PG_GETARG_DATUM(0), &v);
	usec_interval(v.window_us, iv);
	PG_RETURN_INTERVAL_P(iv);
}

/* ---------- text I/O ---------- */

/* Packs n pairs big-endian into dst (16n bytes). */
static void
fcr_pack(const FcrPair *p, int64 n, char *dst)
{
	for (int64 i = 0; i < n; i++)
	{
		uint64		k = pg_hton64((uint64) p[i].key);
		uint64		t = pg_hton64((uint64) p[i].ts);

		memcpy(dst + 16 * i, &k, 8);
		memcpy(dst + 16 * i + 8, &t, 8);
	}
}

static void
fcr_unpack(const char *src, int64 n, FcrPair *p)
{
	for (int64 i = 0; i < n; i++)
	{
		uint64		k;
		uint64		t;

		memcpy(&k, src + 16 * i, 8);
		memcpy(&t, src + 16 * i + 8, 8);
		p[i].key = (int64) pg_ntoh64(k);
		p[i].ts = (int64) pg_ntoh64(t);
	}
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_in);
Datum
ccr_fcr_summary_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	CcrScan		sc;
	const char *p;
	char	   *key;
	uint8		keytype;
	int64		window_us;
	int64		n;
	size_t		b64len;
	Size		rawlen;
	FcrFlat    *f;
	char	   *raw;

	ccr_scan_begin(&sc, FCR_TYPE_NAME, str);
	ccr_scan_key(&sc, "key");
	key = ccr_scan_word(&sc, "key");
	if (strcmp(key, "bigint") == 0)
		keytype = FCR_KEY_BIGINT;
	else if (strcmp(key, "text") == 0)
		keytype = FCR_KEY_TEXT;
	else
		ccr_scan_error(&sc, "expected \"key=bigint \" or \"key=text \"");
	window_us = ccr_scan_key_int64(&sc, "window_us");
	n = ccr_scan_key_int64(&sc, "contacts");
	fcr_validate_fields(FCR_FORMAT_VERSION, FCR_FAMILY_TAG, keytype, 0, window_us, n);
	fcr_check_limit(n);
	ccr_scan_key(&sc, "pairs");
	p = sc.p;
	while (*sc.p != '\0' && !ccr_scan_sep(*sc.p))
		sc.p++;
	ccr_scan_finish(&sc);
	b64len = (size_t) (sc.p - p);
	rawlen = (Size) n * sizeof(FcrPair);
	if (b64len != (rawlen + 2) / 3 * 4)
		ccr_scan_error(&sc, psprintf("pairs has %zu base64 characters, expected %zu for " INT64_FORMAT " contacts",
									 b64len, (size_t) ((rawlen + 2) / 3 * 4), n));
	raw = palloc_extended(pg_b64_dec_len((int) b64len) + 1, MCXT_ALLOC_HUGE);
	if (b64len > 0 &&
		pg_b64_decode(p, (int) b64len, raw, pg_b64_dec_len((int) b64len)) != (int) rawlen)
		ccr_scan_error(&sc, "pairs is not valid base64 of the packed contacts");
	f = fcr_flat_alloc(keytype, window_us, n);
	fcr_unpack(raw, n, f->pairs);
	pfree(raw);
	fcr_flat_canonicalize(f, fcr_validate_flat(f, VARSIZE(f)));
	PG_RETURN_POINTER(f);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_out);
Datum
ccr_fcr_summary_out(PG_FUNCTION_ARGS)
{
	FcrView		v;
	Size		rawlen;
	Size		enclen;
	char	   *raw;
	StringInfoData buf;
	int			len;
	const FcrPair *sorted;
	FcrPair    *tofree;

	fcr_view(PG_GETARG_DATUM(0), &v);
	rawlen = (Size) v.n * sizeof(FcrPair);
	enclen = (rawlen + 2) / 3 * 4;
	if (enclen + 128 >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ccr.fcr_summary of " INT64_FORMAT " contacts is too large for its text form", v.n),
				 errhint("Use the binary form (COPY ... BINARY, binary transfer) for summaries above %d contacts.",
						 (int) ((MaxAllocSize - 128) / 4 * 3 / sizeof(FcrPair)))));
	initStringInfo(&buf);
	appendStringInfo(&buf, "v=%d key=%s window_us=" INT64_FORMAT " contacts=" INT64_FORMAT " pairs=",
					 FCR_FORMAT_VERSION, fcr_key_names[v.keytype], v.window_us, v.n);
	enlargeStringInfo(&buf, (int) enclen + 1);
	raw = palloc_extended(rawlen + 1, MCXT_ALLOC_HUGE);
	sorted = fcr_view_sorted(&v, &tofree);
	fcr_pack(sorted, v.n, raw);
	if (tofree)
		pfree(tofree);
	len = rawlen ? pg_b64_encode(raw, (int) rawlen, buf.data + buf.len, (int) enclen) : 0;
	if (len < 0 || (Size) len != enclen)
		elog(ERROR, "base64 encoding of ccr.fcr_summary failed");
	buf.len += len;
	buf.data[buf.len] = '\0';
	pfree(raw);
	PG_RETURN_CSTRING(buf.data);
}

/* ---------- binary I/O ---------- */

PG_FUNCTION_INFO_V1(ccr_fcr_summary_recv);
Datum
ccr_fcr_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version;
	uint8		family;
	uint8		keytype;
	uint8		flags;
	int64		window_us;
	int64		n;
	FcrFlat    *f;

	if (buf->len - buf->cursor < 20)
		ccr_binary_invalid(FCR_TYPE_NAME, psprintf("%d bytes, expected at least 20", buf->len - buf->cursor));
	version = pq_getmsgbyte(buf);
	family = pq_getmsgbyte(buf);
	keytype = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	window_us = pq_getmsgint64(buf);
	n = pq_getmsgint64(buf);
	fcr_validate_fields(version, family, keytype, flags, window_us, n);
	if ((int64) (buf->len - buf->cursor) != n * (int64) sizeof(FcrPair))
		ccr_binary_invalid(FCR_TYPE_NAME, psprintf("%d bytes of contacts, expected " INT64_FORMAT,
												   buf->len - buf->cursor, n * (int64) sizeof(FcrPair)));
	fcr_check_limit(n);
	f = fcr_flat_alloc(keytype, window_us, n);
	fcr_unpack(buf->data + buf->cursor, n, f->pairs);
	buf->cursor = buf->len;
	fcr_flat_canonicalize(f, fcr_validate_flat(f, VARSIZE(f)));
	PG_RETURN_POINTER(f);
}

PG_FUNCTION_INFO_V1(ccr_fcr_summary_send);
Datum
ccr_fcr_summary_send(PG_FUNCTION_ARGS)
{
	FcrView		v;
	Size		rawlen;
	bytea	   *result;
	char	   *p;
	const FcrPair *sorted;
	FcrPair    *tofree;

	fcr_view(PG_GETARG_DATUM(0), &v);
	rawlen = (Size) v.n * sizeof(FcrPair);
	if (VARHDRSZ + 20 + rawlen > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ccr.fcr_summary of " INT64_FORMAT " contacts is too large to send", v.n)));
	result = palloc(VARHDRSZ + 20 + rawlen);
	SET_VARSIZE(result, VARHDRSZ + 20 + rawlen);
	p = VARDATA(result);
	p[0] = FCR_FORMAT_VERSION;
	p[1] = FCR_FAMILY_TAG;
	p[2] = v.keytype;
	p[3] = 0;
	{
		uint64		w = pg_hton64((uint64) v.window_us);
		uint64		n = pg_hton64((uint64) v.n);

		memcpy(p + 4, &w, 8);
		memcpy(p + 12, &n, 8);
	}
	sorted = fcr_view_sorted(&v, &tofree);
	fcr_pack(sorted, v.n, p + 20);
	if (tofree)
		pfree(tofree);
	PG_RETURN_BYTEA_P(result);
}
