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

CcrSummaryHeader *
ccr_summary_alloc(const CcrFamily *fam, MemoryContext cxt)
{
	CcrSummaryHeader *s = MemoryContextAllocZero(cxt, CCR_SUMMARY_SIZE(fam));

	SET_VARSIZE(s, CCR_SUMMARY_SIZE(fam));
	s->version = CCR_SUMMARY_VERSION;
	s->family = fam->tag;
	return s;
}

static void
summary_invalid(const CcrFamily *fam, const char *detail) pg_attribute_noreturn();

static void
summary_invalid(const CcrFamily *fam, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s value", fam->type_name),
			 errdetail("%s", detail)));
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
	if (s->version != CCR_SUMMARY_VERSION)
		summary_invalid(fam, psprintf("unsupported format version %d", s->version));
	if (s->family != fam->tag)
		summary_invalid(fam, psprintf("family tag %d is not %s", s->family, fam->type_name));
	if (s->flags != 0)
		summary_invalid(fam, "reserved header bits are set");

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

/* ---------- text I/O ---------- */

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static void
syntax_error(const CcrFamily *fam, const char *str, const char *detail) pg_attribute_noreturn();

static void
syntax_error(const CcrFamily *fam, const char *str, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", fam->type_name, str),
			 errdetail("%s", detail)));
}

/*
 * Reads "name=" at *pp; returns a palloc'd copy of the value token and
 * advances *pp past it.
 */
static char *
read_pair(const CcrFamily *fam, const char *str, const char **pp, const char *name)
{
	const char *p = skip_space(*pp);
	size_t		len = strlen(name);
	const char *start;

	if (strncmp(p, name, len) != 0 || p[len] != '=')
		syntax_error(fam, str, psprintf("expected \"%s=\"", name));
	p += len + 1;
	start = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	if (p == start)
		syntax_error(fam, str, psprintf("missing value for \"%s\"", name));
	*pp = p;
	return pnstrdup(start, p - start);
}

static int64
parse_int64(const CcrFamily *fam, const char *str, const char *tok, const char *name)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(tok, &end, 10);
	if (errno == ERANGE)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value \"%s\" of %s is out of range for type %s", tok, name, fam->type_name)));
	if (*end != '\0' || !(tok[0] == '-' || isdigit((unsigned char) tok[0])))
		syntax_error(fam, str, psprintf("\"%s\" is not an integer for \"%s\"", tok, name));
	return (int64) v;
}

Datum
ccr_summary_in(const CcrFamily *fam, const char *str)
{
	CcrSummaryHeader *s = ccr_summary_alloc(fam, CurrentMemoryContext);
	int64	   *slot = CCR_SLOTS(s);
	const char *p = str;
	int64		version = parse_int64(fam, str, read_pair(fam, str, &p, "v"), "v");

	if (version != CCR_SUMMARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported %s format version %lld", fam->type_name, (long long) version)));

	for (int i = 0; i < fam->nfields; i++)
	{
		const CcrField *f = &fam->fields[i];
		char	   *tok = read_pair(fam, str, &p, f->name);

		switch (f->kind)
		{
			case CCR_FIELD_PARAM_SECONDS:
				{
					char	   *end;
					double		v;

					errno = 0;
					v = strtod(tok, &end);
					if (*end != '\0' || end == tok)
						syntax_error(fam, str, psprintf("\"%s\" is not a number for \"%s\"", tok, f->name));
					memcpy(&slot[i], &v, sizeof(v));
					break;
				}
			case CCR_FIELD_PARAM_ENUM:
				{
					int			n;

					for (n = 0; f->enum_names[n]; n++)
						if (strcmp(tok, f->enum_names[n]) == 0)
							break;
					if (f->enum_names[n] == NULL)
						syntax_error(fam, str, psprintf("unknown %s \"%s\"", f->name, tok));
					slot[i] = n;
					break;
				}
			case CCR_FIELD_COUNT:
				slot[i] = parse_int64(fam, str, tok, f->name);
				break;
		}
	}
	if (*skip_space(p) != '\0')
		syntax_error(fam, str, "unexpected text after the last field");

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
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary %s value", fam->type_name),
				 errdetail("%d bytes, expected %d", buf->len - buf->cursor, expected)));
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
		else if (as[i] != bs[i])
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
