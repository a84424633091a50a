/*
 * summary.c
 *		Generic machinery of the fixed-slot summary types: allocation,
 *		validation, text and binary I/O, combine and subtract.
 *
 * Text form: "v=1 name=value name=value ..." with every field of the family
 * in its fixed order.  Counters are integers, parameters are shortest
 * round-trip floats, so out -> in reproduces the value bit for bit.
 * Anything else (a missing, extra, repeated or reordered field, trailing
 * garbage, a negative count, a sub-count above its total) is rejected with
 * SQLSTATE 22P02 or 22023: summaries travel between nodes as text, so this
 * parser faces outside input.
 */
#include "ccr_metrics.h"

#include <errno.h>
#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

PG_MODULE_MAGIC;

/* ---------- every family: header, errors ---------- */

void
ccr_summary_init(CcrSummaryHeader *h, Size size, CcrFamilyTag tag, uint16 flags)
{
	SET_VARSIZE(h, size);
	h->version = CCR_SUMMARY_VERSION;
	h->family = tag;
	h->flags = flags;
}

static void
invalid_value(int sqlerrcode, const char *form, const char *type_name,
			  const char *detail) pg_attribute_noreturn();

static void
invalid_value(int sqlerrcode, const char *form, const char *type_name, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlerrcode),
			 errmsg("invalid %s%s value", form, type_name),
			 errdetail("%s", detail)));
}

void
ccr_summary_invalid(const char *type_name, const char *detail)
{
	invalid_value(ERRCODE_INVALID_PARAMETER_VALUE, "", type_name, detail);
}

void
ccr_binary_invalid(const char *type_name, const char *detail)
{
	invalid_value(ERRCODE_INVALID_BINARY_REPRESENTATION, "binary ", type_name, detail);
}

/* The rules of the common header: size, version, family tag, flag bits. */
void
ccr_header_validate(const char *type_name, CcrFamilyTag tag, const CcrSummaryHeader *h,
					Size size, Size min_size, uint16 allowed_flags)
{
	if (size < min_size)
		ccr_summary_invalid(type_name, "value is too short");
	if (h->version != CCR_SUMMARY_VERSION)
		ccr_summary_invalid(type_name, psprintf("unsupported format version %d", h->version));
	if (h->family != tag)
		ccr_summary_invalid(type_name, psprintf("family tag %d is not %s", h->family, type_name));
	if ((h->flags & ~allowed_flags) != 0)
		ccr_summary_invalid(type_name, "reserved header bits are set");
}

/* ---------- fixed-slot families ---------- */

CcrSummaryHeader *
ccr_summary_alloc(const CcrFamily *fam, MemoryContext cxt)
{
	CcrSummaryHeader *s = MemoryContextAllocZero(cxt, CCR_SUMMARY_SIZE(fam));

	ccr_summary_init(s, CCR_SUMMARY_SIZE(fam), fam->tag, 0);
	return s;
}

static void
summary_invalid(const CcrFamily *fam, const char *detail) pg_attribute_noreturn();

static void
summary_invalid(const CcrFamily *fam, const char *detail)
{
	ccr_summary_invalid(fam->type_name, detail);
}

/* Checks every rule a well-formed summary obeys; ereports otherwise. */
static void
summary_validate(const CcrFamily *fam, const CcrSummaryHeader *s, Size size)
{
	const int64 *slot = CCR_SLOTS(s);
	const char *problem;

	if (size != CCR_SUMMARY_SIZE(fam))
		summary_invalid(fam, psprintf("size is %zu bytes, expected %zu",
									  (size_t) size, (size_t) CCR_SUMMARY_SIZE(fam)));
	ccr_header_validate(fam->type_name, fam->tag, s, size, CCR_SUMMARY_SIZE(fam), 0);

	for (int i = 0; i < fam->nfields; i++)
	{
		const CcrField *f = &fam->fields[i];

		switch (f->kind)
		{
			case CCR_FIELD_PARAM_SECONDS:
				{
					double		v;

					memcpy(&v, &slot[i], sizeof(v));
					if (!isfinite(v) || v < 0)
						summary_invalid(fam, psprintf("%s must be a finite number of seconds >= 0", f->name));
					break;
				}
			case CCR_FIELD_PARAM_ENUM:
				{
					int			n = 0;

					while (f->enum_names[n])
						n++;
					if (slot[i] < 0 || slot[i] >= n)
						summary_invalid(fam, psprintf("%s code %lld is unknown", f->name, (long long) slot[i]));
					break;
				}
			case CCR_FIELD_COUNT:
				if (slot[i] < 0)
					summary_invalid(fam, psprintf("%s is negative", f->name));
				break;
		}
	}
	if (fam->check && (problem = fam->check(s)) != NULL)
		summary_invalid(fam, problem);
}

/*
 * Returns a validated, detoasted summary.  Support functions call this on
 * every value that did not come from their own transition function.
 */
CcrSummaryHeader *
ccr_summary_check(const CcrFamily *fam, Datum d)
{
	struct varlena *v = PG_DETOAST_DATUM(d);

	if (VARSIZE(v) < sizeof(CcrSummaryHeader))
		summary_invalid(fam, "value is too short");
	summary_validate(fam, (CcrSummaryHeader *) v, VARSIZE(v));
	return (CcrSummaryHeader *) v;
}

/* ---------- the tokenizer of every text form (see CcrScan) ---------- */

/* The input quoted in messages: at most 200 bytes, cut between characters. */
void
ccr_scan_error(const CcrScan *sc, const char *detail)
{
	int			len = (int) strlen(sc->str);
	int			clip = len > 200 ? 200 : len;

	/* server encodings keep every byte of a multibyte character >= 0x80 */
	while (clip > 0 && clip < len && (sc->str[clip] & 0x80))
		clip--;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%.*s%s\"", sc->type_name,
					clip, sc->str, clip < len ? "..." : ""),
			 errdetail("%s", detail)));
}

static inline bool
scan_at_value_end(const CcrScan *sc)
{
	return *sc->p == '\0' || ccr_scan_sep(*sc->p);
}

/* Skips separators, then reads "key=". */
void
ccr_scan_key(CcrScan *sc, const char *key)
{
	size_t		len = strlen(key);

	while (ccr_scan_sep(*sc->p))
		sc->p++;
	if (strncmp(sc->p, key, len) != 0 || sc->p[len] != '=')
		ccr_scan_error(sc, psprintf("expected \"%s=\"", key));
	sc->p += len + 1;
}

/* An optionally negative decimal integer (no "+", no spaces). */
int64
ccr_scan_int64(CcrScan *sc, const char *what)
{
	const char *start = sc->p;
	char	   *end;
	long long	v;

	if (!(*start == '-' || isdigit((unsigned char) *start)))
		ccr_scan_error(sc, psprintf("expected an integer for \"%s\"", what));
	errno = 0;
	v = strtoll(start, &end, 10);
	if (end == start || !isdigit((unsigned char) end[-1]))
		ccr_scan_error(sc, psprintf("expected an integer for \"%s\"", what));
	if (errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" of %s is out of range for type %s",
						pnstrdup(start, end - start), what, sc->type_name)));
	sc->p = end;
	return (int64) v;
}

/* A float8 filling the whole value (range rules are the validator's). */
double
ccr_scan_float8(CcrScan *sc, const char *what)
{
	char	   *end;
	double		v;

	if (scan_at_value_end(sc))
		ccr_scan_error(sc, psprintf("missing value for \"%s\"", what));
	errno = 0;
	v = strtod(sc->p, &end);
	if (end == sc->p || !(*end == '\0' || ccr_scan_sep(*end)))
		ccr_scan_error(sc, psprintf("\"%s\" needs a number", what));
	sc->p = end;
	return v;
}

/* The rest of the value up to the next separator, palloc'd; never empty. */
char *
ccr_scan_word(CcrScan *sc, const char *what)
{
	const char *start = sc->p;

	while (!scan_at_value_end(sc))
		sc->p++;
	if (sc->p == start)
		ccr_scan_error(sc, psprintf("missing value for \"%s\"", what));
	return pnstrdup(start, sc->p - start);
}

/* The punctuation inside a list value (",", ":"). */
void
ccr_scan_expect(CcrScan *sc, char c, const char *detail)
{
	if (*sc->p != c)
		ccr_scan_error(sc, detail);
	sc->p++;
}

void
ccr_scan_value_end(CcrScan *sc, const char *what)
{
	if (!scan_at_value_end(sc))
		ccr_scan_error(sc, psprintf("unexpected text in the value of \"%s\"", what));
}

void
ccr_scan_finish(CcrScan *sc)
{
	while (ccr_scan_sep(*sc->p))
		sc->p++;
	if (*sc->p != '\0')
		ccr_scan_error(sc, "unexpected text after the last field");
}

/* "key=<integer>", the integer filling the value (counts, sums). */
int64
ccr_scan_key_int64(CcrScan *sc, const char *key)
{
	int64		v;

	ccr_scan_key(sc, key);
	v = ccr_scan_int64(sc, key);
	ccr_scan_value_end(sc, key);
	return v;
}

/* Starts reading str: "v=<version>" first, and only this build's version. */
void
ccr_scan_begin(CcrScan *sc, const char *type_name, const char *str)
{
	int64		version;

	sc->type_name = type_name;
	sc->str = str;
	sc->p = str;
	version = ccr_scan_key_int64(sc, "v");
	if (version != CCR_SUMMARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported %s format version %lld", type_name, (long long) version)));
}

/* ---------- fixed-slot text I/O ---------- */

Datum
ccr_summary_in(const CcrFamily *fam, const char *str)
{
	CcrSummaryHeader *s = ccr_summary_alloc(fam, CurrentMemoryContext);
	int64	   *slot = CCR_SLOTS(s);
	CcrScan		sc;

	ccr_scan_begin(&sc, fam->type_name, str);
	for (int i = 0; i < fam->nfields; i++)
	{
		const CcrField *f = &fam->fields[i];

		ccr_scan_key(&sc, f->name);
		switch (f->kind)
		{
			case CCR_FIELD_PARAM_SECONDS:
				{
					double		v = ccr_scan_float8(&sc, f->name);

					memcpy(&slot[i], &v, sizeof(v));
					break;
				}
			case CCR_FIELD_PARAM_ENUM:
				{
					char	   *tok = ccr_scan_word(&sc, f->name);
					int			n;

					for (n = 0; f->enum_names[n]; n++)
						if (strcmp(tok, f->enum_names[n]) == 0)
							break;
					if (f->enum_names[n] == NULL)
						ccr_scan_error(&sc, psprintf("unknown %s \"%s\"", f->name, tok));
					slot[i] = n;
					break;
				}
			case CCR_FIELD_COUNT:
				slot[i] = ccr_scan_int64(&sc, f->name);
				ccr_scan_value_end(&sc, f->name);
				break;
		}
	}
	ccr_scan_finish(&sc);
	summary_validate(fam, s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

char *
ccr_summary_out(const CcrFamily *fam, Datum d)
{
	CcrSummaryHeader *s = ccr_summary_check(fam, d);
	int64	   *slot = CCR_SLOTS(s);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v=%d", s->version);
	for (int i = 0; i < fam->nfields; i++)
	{
		const CcrField *f = &fam->fields[i];

		appendStringInfo(&buf, " %s=", f->name);
		switch (f->kind)
		{
			case CCR_FIELD_PARAM_SECONDS:
				{
					double		v;

					memcpy(&v, &slot[i], sizeof(v));
					appendStringInfoString(&buf, float8out_internal(v));
					break;
				}
			case CCR_FIELD_PARAM_ENUM:
				appendStringInfoString(&buf, f->enum_names[slot[i]]);
				break;
			case CCR_FIELD_COUNT:
				appendStringInfo(&buf, INT64_FORMAT, slot[i]);
				break;
		}
	}
	return buf.data;
}

/* ---------- binary I/O: version, family, then every slot as 8 bytes ---------- */

Datum
ccr_summary_recv(const CcrFamily *fam, StringInfo buf)
{
	CcrSummaryHeader *s = ccr_summary_alloc(fam, CurrentMemoryContext);
	int64	   *slot = CCR_SLOTS(s);
	int			expected = 2 + 8 * fam->nfields;

	if (buf->len - buf->cursor != expected)
		ccr_binary_invalid(fam->type_name,
						   psprintf("%d bytes, expected %d", buf->len - buf->cursor, expected));
	s->version = pq_getmsgbyte(buf);
	s->family = pq_getmsgbyte(buf);
	for (int i = 0; i < fam->nfields; i++)
		slot[i] = pq_getmsgint64(buf);
	summary_validate(fam, s, VARSIZE(s));
	PG_RETURN_POINTER(s);
}

bytea *
ccr_summary_send(const CcrFamily *fam, Datum d)
{
	CcrSummaryHeader *s = ccr_summary_check(fam, d);
	int64	   *slot = CCR_SLOTS(s);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, s->version);
	pq_sendbyte(&buf, s->family);
	for (int i = 0; i < fam->nfields; i++)
		pq_sendint64(&buf, slot[i]);
	return pq_endtypsend(&buf);
}

/* ---------- combine / subtract ---------- */

MemoryContext
ccr_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname),
				 errhint("Use it through the aggregate that owns it.")));
	return aggcxt;
}

/* The state for a NULL first row: see CCR_SKIP_NULL_ROW. */
Datum
ccr_empty_state(FunctionCallInfo fcinfo, const CcrFamily *fam)
{
	MemoryContext aggcxt;

	if (AggCheckCallContext(fcinfo, &aggcxt) == AGG_CONTEXT_WINDOW)
		PG_RETURN_POINTER(ccr_summary_alloc(fam, aggcxt));
	PG_RETURN_NULL();
}

void
ccr_param_mismatch(const CcrFamily *fam, const char *param)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot combine %s values with different %s", fam->type_name, param),
			 errhint("Summaries merge only when they were built with the same parameters.")));
}

void
ccr_count_overflow(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s out of range", what)));
}

/* Seconds parameters compare as numbers: -0 stored by 0.2.0 equals 0. */
static bool
param_seconds_equal(int64 a, int64 b)
{
	double		x;
	double		y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x == y;
}

/*
 * Strict two-argument merge: a + b (combine, rollup) or a - b (the inverse
 * of rollup in moving windows).  Inside an aggregate the first argument is
 * our own state in the aggregate context and is updated in place; called
 * directly, the result is a fresh copy and neither input is modified.
 */
Datum
ccr_summary_merge(const CcrFamily *fam, FunctionCallInfo fcinfo, bool subtract)
{
	CcrSummaryHeader *a = ccr_summary_check(fam, PG_GETARG_DATUM(0));
	CcrSummaryHeader *b = ccr_summary_check(fam, PG_GETARG_DATUM(1));
	int64	   *as;
	int64	   *bs;
	MemoryContext aggcxt;
	const char *problem;

	if (!AggCheckCallContext(fcinfo, &aggcxt) ||
		(Pointer) a != DatumGetPointer(PG_GETARG_DATUM(0)))
	{
		CcrSummaryHeader *copy = palloc(VARSIZE(a));

		memcpy(copy, a, VARSIZE(a));
		a = copy;
	}
	as = CCR_SLOTS(a);
	bs = CCR_SLOTS(b);

	for (int i = 0; i < fam->nfields; i++)
	{
		const CcrField *f = &fam->fields[i];

		if (f->kind == CCR_FIELD_COUNT)
		{
			if (subtract)
			{
				if (pg_sub_s64_overflow(as[i], bs[i], &as[i]) || as[i] < 0)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("cannot subtract a %s that was not added", fam->type_name),
							 errdetail("%s would become negative", f->name)));
			}
			else
				ccr_add_count(&as[i], bs[i], f->name);
		}
		else if (f->kind == CCR_FIELD_PARAM_SECONDS ? !param_seconds_equal(as[i], bs[i]) : as[i] != bs[i])
			ccr_param_mismatch(fam, f->name);
	}
	if (fam->check && (problem = fam->check(a)) != NULL)
	{
		if (subtract)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot subtract a %s that was not added", fam->type_name),
					 errdetail("%s", problem)));
		/* two valid summaries add up to an invalid one: a sum overflowed */
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("combined %s is out of range", fam->type_name),
				 errdetail("%s", problem)));
	}
	PG_RETURN_POINTER(a);
}
