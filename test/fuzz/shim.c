/*
 * shim.c
 *		The few backend services the extension's parsers call, for running
 *		them outside the server under libFuzzer.
 *
 * Memory: palloc is malloc, every block is remembered and freed by
 * ccr_shim_reset() after each input (a per-input "memory context"), so
 * AddressSanitizer sees every block's exact bounds.
 * Errors: ereport/elog(ERROR) land in errfinish(), which longjmps back to
 * the sigsetjmp of the harness, the way PG_TRY/PG_CATCH unwinds in the
 * server; the SQLSTATE and message are kept for the harness to judge.
 * StringInfo, psprintf and the shortest float formatting come from
 * PostgreSQL's own libpgcommon/libpgport.
 */
#include "postgres.h"

#include <setjmp.h>

#include "common/shortest_dec.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "nodes/memnodes.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "shim.h"

/* ---------- memory ---------- */

static MemoryContextData shim_context;
MemoryContext CurrentMemoryContext = &shim_context;
MemoryContext TopMemoryContext = &shim_context;
MemoryContext ErrorContext = &shim_context;

static void **blocks;
static size_t nblocks,
			maxblocks;

static void *
remember(void *p)
{
	if (p == NULL)
		abort();
	if (nblocks == maxblocks)
	{
		maxblocks = maxblocks ? maxblocks * 2 : 1024;
		blocks = realloc(blocks, maxblocks * sizeof(void *));
		if (blocks == NULL)
			abort();
	}
	blocks[nblocks++] = p;
	return p;
}

void
ccr_shim_reset(void)
{
	for (size_t i = 0; i < nblocks; i++)
		free(blocks[i]);
	nblocks = 0;
}

static void
check_size(Size size)
{
	/* the backend refuses single allocations above MaxAllocSize */
	if (size > MaxAllocSize)
		elog(ERROR, "invalid memory alloc request size %zu", (size_t) size);
}

void *
palloc(Size size)
{
	check_size(size);
	return remember(malloc(size ? size : 1));
}

void *
palloc0(Size size)
{
	check_size(size);
	return remember(calloc(1, size ? size : 1));
}

void *
palloc_extended(Size size, int flags)
{
	void	   *p;

	if (!(flags & MCXT_ALLOC_HUGE))
		return (flags & MCXT_ALLOC_ZERO) ? palloc0(size) : palloc(size);
	if (size > MaxAllocHugeSize || size > ((Size) 1 << 32))
		elog(ERROR, "invalid memory alloc request size %zu", (size_t) size);
	p = (flags & MCXT_ALLOC_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p == NULL && (flags & MCXT_ALLOC_NO_OOM))
		return NULL;
	return remember(p);
}

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	(void) context;
	return palloc_extended(size, MCXT_ALLOC_HUGE);
}

/* settings: every extension GUC is unset in the harness */
const char *
GetConfigOption(const char *name, bool missing_ok, bool restrict_privileged)
{
	(void) name;
	(void) missing_ok;
	(void) restrict_privileged;
	return NULL;
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	(void) context;
	return palloc(size);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	(void) context;
	return palloc0(size);
}

void *
MemoryContextAllocZeroAligned(MemoryContext context, Size size)
{
	(void) context;
	return palloc0(size);
}

void *
MemoryContextAllocExtended(MemoryContext context, Size size, int flags)
{
	(void) context;
	return palloc_extended(size, flags);
}

void *
repalloc(void *pointer, Size size)
{
	void	   *p;

	check_size(size);
	for (size_t i = nblocks; i-- > 0;)
		if (blocks[i] == pointer)
		{
			p = realloc(pointer, size ? size : 1);
			if (p == NULL)
				abort();
			blocks[i] = p;
			return p;
		}
	abort();					/* not ours: a real bug in the caller */
}

void
pfree(void *pointer)
{
	for (size_t i = nblocks; i-- > 0;)
		if (blocks[i] == pointer)
		{
			free(pointer);
			blocks[i] = blocks[--nblocks];
			return;
		}
	abort();					/* double or foreign free */
}

char *
pstrdup(const char *in)
{
	return pnstrdup(in, strlen(in));
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

char *
pchomp(const char *in)
{
	size_t		n = strlen(in);

	while (n > 0 && in[n - 1] == '\n')
		n--;
	return pnstrdup(in, n);
}

void
MemoryContextReset(MemoryContext context)
{
	(void) context;
}

/* ---------- errors ---------- */

sigjmp_buf *ccr_shim_jump;
int			ccr_shim_sqlerrcode;
char		ccr_shim_message[1024];

static int	cur_elevel;

static bool
start(int elevel)
{
	if (elevel < ERROR)
		return false;			/* notices and debug output are dropped */
	cur_elevel = elevel;
	ccr_shim_sqlerrcode = ERRCODE_INTERNAL_ERROR;	/* elog's default */
	ccr_shim_message[0] = '\0';
	return true;
}

bool
errstart(int elevel, const char *domain)
{
	(void) domain;
	return start(elevel);
}

bool
errstart_cold(int elevel, const char *domain)
{
	(void) domain;
	return start(elevel);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	(void) filename;
	(void) lineno;
	(void) funcname;
	if (cur_elevel >= FATAL || ccr_shim_jump == NULL)
	{
		fprintf(stderr, "FATAL outside the harness: %s\n", ccr_shim_message);
		abort();
	}
	siglongjmp(*ccr_shim_jump, 1);
}

int
errcode(int sqlerrcode)
{
	ccr_shim_sqlerrcode = sqlerrcode;
	return 0;
}

static void
keep_message(const char *fmt, va_list ap)
{
	if (ccr_shim_message[0] == '\0')
		vsnprintf(ccr_shim_message, sizeof(ccr_shim_message), fmt, ap);
}

#define SHIM_MSG(name) \
int name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	keep_message(fmt, ap); \
	va_end(ap); \
	return 0; \
}

SHIM_MSG(errmsg)
SHIM_MSG(errmsg_internal)

/* details and hints are formatted (to exercise their arguments) and dropped */
#define SHIM_DROP(name) \
int name(const char *fmt, ...) \
{ \
	char		buf[1024]; \
	va_list ap; \
	va_start(ap, fmt); \
	vsnprintf(buf, sizeof(buf), fmt, ap); \
	va_end(ap); \
	return 0; \
}

SHIM_DROP(errdetail)
SHIM_DROP(errdetail_internal)
SHIM_DROP(errhint)
SHIM_DROP(errcontext_msg)

int
errmsg_plural(const char *fmt_singular, const char *fmt_plural, unsigned long n, ...)
{
	va_list		ap;

	va_start(ap, n);
	keep_message(n == 1 ? fmt_singular : fmt_plural, ap);
	va_end(ap);
	return 0;
}

int
set_errcontext_domain(const char *domain)
{
	(void) domain;
	return 0;
}

/* ---------- fmgr and adt helpers the extension calls ---------- */

int
AggCheckCallContext(FunctionCallInfo fcinfo, MemoryContext *aggcontext)
{
	/* the harness calls support functions directly, never as an aggregate */
	(void) fcinfo;
	if (aggcontext)
		*aggcontext = NULL;
	return 0;
}

struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	/* the harness only makes plain 4-byte-header values */
	if (VARATT_IS_EXTENDED(datum))
		abort();
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return datum;
}

struct varlena *
pg_detoast_datum_copy(struct varlena *datum)
{
	struct varlena *copy = palloc(VARSIZE_ANY(datum));

	memcpy(copy, datum, VARSIZE_ANY(datum));
	return copy;
}

char *
text_to_cstring(const text *t)
{
	return pnstrdup(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

text *
cstring_to_text(const char *s)
{
	size_t		len = strlen(s);
	text	   *t = palloc(len + VARHDRSZ);

	SET_VARSIZE(t, len + VARHDRSZ);
	memcpy(VARDATA(t), s, len);
	return t;
}

/* float8out_internal as in utils/adt/float.c with extra_float_digits = 1 */
char *
float8out_internal(double num)
{
	char	   *ascii = palloc(32);

	if (isnan(num))
		strcpy(ascii, "NaN");
	else if (isinf(num))
		strcpy(ascii, num > 0 ? "Infinity" : "-Infinity");
	else
		double_to_shortest_decimal_buf(num, ascii);
	return ascii;
}

/* ---------- pqformat (libpq/pqformat.c) ---------- */

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendStringInfoSpaces(buf, VARHDRSZ);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	appendBinaryStringInfo(buf, data, datalen);
}

void
pq_sendfloat8(StringInfo buf, float8 f)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.f = f;
	pq_sendint64(buf, swap.i);
}

static void
insufficient(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("insufficient data left in message")));
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		insufficient();
	return (unsigned char) msg->data[msg->cursor++];
}

void
pq_copymsgbytes(StringInfo msg, char *buf, int datalen)
{
	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		insufficient();
	memcpy(buf, &msg->data[msg->cursor], datalen);
	msg->cursor += datalen;
}

const char *
pq_getmsgbytes(StringInfo msg, int datalen)
{
	const char *result;

	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		insufficient();
	result = &msg->data[msg->cursor];
	msg->cursor += datalen;
	return result;
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	unsigned char n8;
	uint16		n16;
	uint32		n32;

	switch (b)
	{
		case 1:
			pq_copymsgbytes(msg, (char *) &n8, 1);
			return n8;
		case 2:
			pq_copymsgbytes(msg, (char *) &n16, 2);
			return pg_ntoh16(n16);
		case 4:
			pq_copymsgbytes(msg, (char *) &n32, 4);
			return pg_ntoh32(n32);
	}
	elog(ERROR, "unsupported integer size %d", b);
}

int64
pq_getmsgint64(StringInfo msg)
{
	uint64		n64;

	pq_copymsgbytes(msg, (char *) &n64, sizeof(n64));
	return pg_ntoh64(n64);
}

float8
pq_getmsgfloat8(StringInfo msg)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.i = pq_getmsgint64(msg);
	return swap.f;
}

/* SQLSTATE text of an error code (utils/error/elog.c) */
char *
unpack_sql_state(int sql_state)
{
	static char buf[12];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(sql_state);
		sql_state >>= 6;
	}
	buf[5] = '\0';
	return buf;
}
