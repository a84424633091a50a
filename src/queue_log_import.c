/*
 * queue_log_import.c
 *		The engine behind ccr.import_queue_log(): reads queue_log rows through
 *		SPI, runs one state machine per (callid, queue) visit and returns what
 *		the SQL wrapper writes: finished contacts, lines of calls that have not
 *		ended yet (pending), rejected lines with their reason, agent presence
 *		events, and fragments of calls whose ENTERQUEUE was not seen (orphans,
 *		which the wrapper rejects unless the call is already a contact).
 *
 * Why C: a million lines must import in seconds; one pass, one hash lookup
 * per line, nothing allocated per line beyond the line's own copy while its
 * call is open.
 *
 * Input rows (both queries): line_no int8, line text, t timestamptz,
 * t_text text, callid text, queuename text, agent text, event text,
 * data text.  When line is not NULL it is a queue_log file line; otherwise
 * the other columns are a realtime row (time as timestamptz, or as text
 * parsed here: epoch or a date/time read in the session TimeZone; data
 * |-separated).  Realtime rows are kept (for pending and rejects) as the
 * equivalent file line with a microsecond epoch, which the line parser reads
 * back on the next import.
 */
#include "postgres.h"

/* PostgreSQL's own inline functions trip -Wextra's unused-parameter */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/ilist.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#pragma GCC diagnostic pop

#include "queue_log.h"

#define UNIX_TO_PG_USECS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

typedef enum VisitState
{
	VS_NEW = 0,
	VS_ORPHAN,					/* events seen, no ENTERQUEUE */
	VS_WAITING,
	VS_CONNECTED,
	VS_ENDED,
	VS_REJECTED
} VisitState;

typedef struct VisitKey
{
	const char *s;				/* callid \x1f queue */
	int			len;
	int			callid_len;
} VisitKey;

typedef struct Visit
{
	VisitKey	key;			/* must be first (dynahash) */
	VisitState	state;
	int			visit;			/* 1, 2, ... per (callid, queue) */
	bool		open;			/* in the open list */
	dlist_node	node;
	bool		done;			/* in the done list (ENDED or REJECTED) */
	dlist_node	donenode;
	int64		done_us;		/* log time it ended or was rejected */
	int64		enter_us;
	int64		connect_us;
	int64		last_us;
	int64		holdtime;		/* CONNECT's holdtime, -1 unknown */
	int			entry_pos;		/* ENTERQUEUE's position, -1 unknown */
	char	   *agent;
	char	   *customer;
	/* lines of the current open visit */
	char	   *buf;
	int			buflen;
	int			bufcap;
	int64	   *lineno;
	int		   *off;
	int			nlines;
	int			linecap;
	/* hashes of every line of this key seen in this run (duplicates) */
	uint64	   *h;
	int			nh;
	int			hcap;
} Visit;

typedef struct ImportState
{
	MemoryContext cxt;			/* hash table, visits, lines */
	HTAB	   *visits;
	dlist_head	open;			/* WAITING / CONNECTED visits */
	dlist_head	orphans;		/* ORPHAN visits (kept apart: QUEUESTART walks open) */
	dlist_head	done;			/* ENDED / REJECTED visits, oldest first */
	int64		max_us;			/* latest log time read */
	Tuplestorestate *ts;
	TupleDesc	desc;
	int64		lines_read;
	int64		duplicates;
	int64		rejected;
	bool		counting;		/* reading the source (not pending) */
	int64		ordinal;
} ImportState;

/*
 * Output columns.  0.3.0 appended the last four; a 0.2.0 declaration of the
 * SQL function (the library is replaced before ALTER EXTENSION UPDATE runs)
 * gets the first O_NCOLS_V1 only, so an import keeps working in between.
 */
enum
{
	O_KIND, O_CALLID, O_QUEUE, O_VISIT, O_AGENT, O_CUSTOMER, O_OFFERED,
	O_ANSWERED, O_ENDED, O_OUTCOME, O_TALK, O_TRANSFERRED, O_LINE_NO, O_LINE,
	O_REASON, O_EVENT, O_AT, O_DATA1,
	O_NCOLS_V1,
	O_ENDED_BY = O_NCOLS_V1, O_ENTRY_POS, O_EXIT_POS, O_ENTERED_AT,
	O_NCOLS
};

static uint32
visit_hash(const void *key, Size keysize pg_attribute_unused())
{
	const VisitKey *k = key;

	return hash_bytes((const unsigned char *) k->s, k->len);
}

static int
visit_match(const void *key1, const void *key2, Size keysize pg_attribute_unused())
{
	const VisitKey *a = key1;
	const VisitKey *b = key2;

	if (a->len != b->len)
		return 1;
	return memcmp(a->s, b->s, a->len);
}

static inline TimestampTz
us_to_ts(int64 unix_us)
{
	return (TimestampTz) (unix_us - UNIX_TO_PG_USECS);
}

static inline text *
field_text(CcrQlField f)
{
	return cstring_to_text_with_len(f.p, f.len);
}

static void
put_row(ImportState *st, Datum *v, bool *n)
{
	tuplestore_putvalues(st->ts, st->desc, v, n);
}

static void
init_row(Datum *v, bool *n, const char *kind)
{
	int			i;

	for (i = 0; i < O_NCOLS; i++)
	{
		v[i] = (Datum) 0;
		n[i] = true;
	}
	v[O_KIND] = CStringGetTextDatum(kind);
	n[O_KIND] = false;
}

static void
emit_reject(ImportState *st, const char *callid, int callid_len,
			const char *queue, int queue_len,
			int64 line_no, const char *line, int len, const char *reason)
{
	Datum		v[O_NCOLS];
	bool		n[O_NCOLS];

	init_row(v, n, "reject");
	if (callid)
	{
		v[O_CALLID] = PointerGetDatum(cstring_to_text_with_len(callid, callid_len));
		n[O_CALLID] = false;
	}
	if (queue)
	{
		v[O_QUEUE] = PointerGetDatum(cstring_to_text_with_len(queue, queue_len));
		n[O_QUEUE] = false;
	}
	v[O_LINE_NO] = Int64GetDatum(line_no);
	n[O_LINE_NO] = false;
	v[O_LINE] = PointerGetDatum(cstring_to_text_with_len(line, len));
	n[O_LINE] = false;
	v[O_REASON] = CStringGetTextDatum(reason);
	n[O_REASON] = false;
	put_row(st, v, n);
	st->rejected++;
}

/* --- per-visit line buffer ------------------------------------------------ */

static void
visit_add_line(ImportState *st, Visit *vs, int64 line_no, const char *line, int len)
{
	MemoryContext old = MemoryContextSwitchTo(st->cxt);

	if (vs->nlines == vs->linecap)
	{
		int			cap = vs->linecap ? vs->linecap * 2 : 4;

		vs->lineno = vs->lineno ? repalloc(vs->lineno, cap * sizeof(int64)) : palloc(cap * sizeof(int64));
		vs->off = vs->off ? repalloc(vs->off, (cap + 1) * sizeof(int)) : palloc((cap + 1) * sizeof(int));
		vs->linecap = cap;
	}
	if (vs->buflen + len > vs->bufcap)
	{
		int			cap = Max(vs->bufcap * 2, vs->buflen + len + 64);

		vs->buf = vs->buf ? repalloc(vs->buf, cap) : palloc(cap);
		vs->bufcap = cap;
	}
	memcpy(vs->buf + vs->buflen, line, len);
	vs->lineno[vs->nlines] = line_no;
	vs->off[vs->nlines] = vs->buflen;
	vs->buflen += len;
	vs->off[vs->nlines + 1] = vs->buflen;
	vs->nlines++;
	MemoryContextSwitchTo(old);
}

static void
visit_clear_lines(Visit *vs)
{
	if (vs->buf)
		pfree(vs->buf);
	if (vs->lineno)
		pfree(vs->lineno);
	if (vs->off)
		pfree(vs->off);
	vs->buf = NULL;
	vs->lineno = NULL;
	vs->off = NULL;
	vs->buflen = vs->bufcap = vs->nlines = vs->linecap = 0;
}

/* Lines remembered per call for dropping duplicates. */
#define CCR_QL_MAX_HASHES 256

/* true if h was seen before for this key; remembers it otherwise */
static bool
visit_seen(ImportState *st, Visit *vs, uint64 h)
{
	int			i;

	for (i = 0; i < vs->nh; i++)
		if (vs->h[i] == h)
			return true;
	/* bounded, so a call with a flood of lines stays linear */
	if (vs->nh >= CCR_QL_MAX_HASHES)
		return false;
	if (vs->nh == vs->hcap)
	{
		MemoryContext old = MemoryContextSwitchTo(st->cxt);
		int			cap = vs->hcap ? vs->hcap * 2 : 4;

		vs->h = vs->h ? repalloc(vs->h, cap * sizeof(uint64)) : palloc(cap * sizeof(uint64));
		vs->hcap = cap;
		MemoryContextSwitchTo(old);
	}
	vs->h[vs->nh++] = h;
	return false;
}

static void
visit_set_open(ImportState *st, Visit *vs, bool open)
{
	if (open && !vs->open)
		dlist_push_tail(vs->state == VS_ORPHAN ? &st->orphans : &st->open, &vs->node);
	else if (!open && vs->open)
		dlist_delete(&vs->node);
	vs->open = open;
}

/*
 * A visit that ended (or was rejected) stays in the hash for a while, to drop
 * duplicate lines and reject events after the end; once the log is
 * CCR_QL_FORGET_US past its end it is forgotten, which keeps the hash table
 * (and the cache misses of its lookups) to the calls of the last hours
 * instead of the whole log.  A late line of a forgotten call is an orphan:
 * ignored when the call is already a contact.
 */
#define CCR_QL_FORGET_US (INT64CONST(2) * 3600 * USECS_PER_SEC)

static void
visit_set_done(ImportState *st, Visit *vs, int64 t)
{
	if (vs->done)
		dlist_delete(&vs->donenode);
	vs->done = true;
	vs->done_us = Max(t, st->max_us);
	dlist_push_tail(&st->done, &vs->donenode);
}

static void
forget_old_visits(ImportState *st)
{
	while (!dlist_is_empty(&st->done))
	{
		Visit	   *vs = dlist_head_element(Visit, donenode, &st->done);
		VisitKey	key;

		if (vs->done_us >= st->max_us - CCR_QL_FORGET_US)
			break;
		dlist_delete(&vs->donenode);
		key = vs->key;
		if (vs->h)
			pfree(vs->h);
		if (vs->agent)
			pfree(vs->agent);
		if (vs->customer)
			pfree(vs->customer);
		visit_clear_lines(vs);
		hash_search(st->visits, &key, HASH_REMOVE, NULL);
		pfree((void *) key.s);
	}
}

/* Emits every buffered line of the visit as kind (pending/orphan) or as a
 * reject with reason, and forgets the lines. */
static void
visit_flush(ImportState *st, Visit *vs, const char *kind, const char *reason)
{
	int			i;
	const char *callid = vs->key.s;
	int			callid_len = vs->key.callid_len;
	const char *queue = vs->key.s + callid_len + 1;
	int			queue_len = vs->key.len - callid_len - 1;

	for (i = 0; i < vs->nlines; i++)
	{
		const char *line = vs->buf + vs->off[i];
		int			len = vs->off[i + 1] - vs->off[i];

		if (reason)
			emit_reject(st, callid, callid_len, queue, queue_len,
						vs->lineno[i], line, len, reason);
		else
		{
			Datum		v[O_NCOLS];
			bool		n[O_NCOLS];

			init_row(v, n, kind);
			v[O_CALLID] = PointerGetDatum(cstring_to_text_with_len(callid, callid_len));
			n[O_CALLID] = false;
			v[O_QUEUE] = PointerGetDatum(cstring_to_text_with_len(queue, queue_len));
			n[O_QUEUE] = false;
			v[O_VISIT] = Int32GetDatum(vs->visit);
			n[O_VISIT] = false;
			v[O_LINE_NO] = Int64GetDatum(vs->lineno[i]);
			n[O_LINE_NO] = false;
			v[O_LINE] = PointerGetDatum(cstring_to_text_with_len(line, len));
			n[O_LINE] = false;
			/* lets the wrapper tell a replayed ENTERQUEUE of a stored contact */
			if (vs->state == VS_WAITING || vs->state == VS_CONNECTED)
			{
				v[O_ENTERED_AT] = TimestampTzGetDatum(us_to_ts(vs->enter_us));
				n[O_ENTERED_AT] = false;
			}
			put_row(st, v, n);
		}
	}
	visit_clear_lines(vs);
}

static void
visit_reject(ImportState *st, Visit *vs, const char *reason)
{
	visit_flush(st, vs, NULL, reason);
	vs->state = VS_REJECTED;
	visit_set_open(st, vs, false);
	visit_set_done(st, vs, vs->last_us);
}

static char *
copy_field(ImportState *st, CcrQlField f)
{
	char	   *s = MemoryContextAlloc(st->cxt, f.len + 1);

	memcpy(s, f.p, f.len);
	s[f.len] = '\0';
	return s;
}

static void
emit_contact(ImportState *st, Visit *vs, const char *outcome, int64 end_us,
			 int64 offered_us, int64 calltime_us, bool transferred,
			 const char *ended_by, int exit_pos)
{
	Datum		v[O_NCOLS];
	bool		n[O_NCOLS];
	int			callid_len = vs->key.callid_len;
	bool		answered = (vs->state == VS_CONNECTED);

	init_row(v, n, "contact");
	v[O_CALLID] = PointerGetDatum(cstring_to_text_with_len(vs->key.s, callid_len));
	n[O_CALLID] = false;
	v[O_QUEUE] = PointerGetDatum(cstring_to_text_with_len(vs->key.s + callid_len + 1,
														  vs->key.len - callid_len - 1));
	n[O_QUEUE] = false;
	v[O_VISIT] = Int32GetDatum(vs->visit);
	n[O_VISIT] = false;
	if (answered && vs->agent)
	{
		v[O_AGENT] = CStringGetTextDatum(vs->agent);
		n[O_AGENT] = false;
	}
	if (vs->customer)
	{
		v[O_CUSTOMER] = CStringGetTextDatum(vs->customer);
		n[O_CUSTOMER] = false;
	}
	v[O_OFFERED] = TimestampTzGetDatum(us_to_ts(offered_us));
	n[O_OFFERED] = false;
	if (answered)
	{
		v[O_ANSWERED] = TimestampTzGetDatum(us_to_ts(vs->connect_us));
		n[O_ANSWERED] = false;
		v[O_TALK] = Float8GetDatum(calltime_us / 1e6);
		n[O_TALK] = false;
	}
	v[O_ENDED] = TimestampTzGetDatum(us_to_ts(end_us));
	n[O_ENDED] = false;
	v[O_OUTCOME] = CStringGetTextDatum(outcome);
	n[O_OUTCOME] = false;
	v[O_TRANSFERRED] = BoolGetDatum(transferred);
	n[O_TRANSFERRED] = false;
	if (ended_by)
	{
		v[O_ENDED_BY] = CStringGetTextDatum(ended_by);
		n[O_ENDED_BY] = false;
	}
	if (vs->entry_pos >= 0)
	{
		v[O_ENTRY_POS] = Int32GetDatum(vs->entry_pos);
		n[O_ENTRY_POS] = false;
	}
	if (exit_pos >= 0)
	{
		v[O_EXIT_POS] = Int32GetDatum(exit_pos);
		n[O_EXIT_POS] = false;
	}
	v[O_ENTERED_AT] = TimestampTzGetDatum(us_to_ts(vs->enter_us));
	n[O_ENTERED_AT] = false;
	put_row(st, v, n);

	vs->state = VS_ENDED;
	visit_set_open(st, vs, false);
	visit_set_done(st, vs, end_us);
	visit_clear_lines(vs);
	if (vs->agent)
		pfree(vs->agent);
	if (vs->customer)
		pfree(vs->customer);
	vs->agent = vs->customer = NULL;
}

static void
emit_presence(ImportState *st, const CcrQlLine *l, int64 line_no)
{
	Datum		v[O_NCOLS];
	bool		n[O_NCOLS];

	init_row(v, n, "presence");
	v[O_AGENT] = PointerGetDatum(field_text(l->agent));
	n[O_AGENT] = false;
	v[O_QUEUE] = PointerGetDatum(field_text(l->queue));
	n[O_QUEUE] = false;
	v[O_EVENT] = PointerGetDatum(field_text(l->event));
	n[O_EVENT] = false;
	v[O_AT] = TimestampTzGetDatum(us_to_ts(l->time_us));
	n[O_AT] = false;
	v[O_LINE_NO] = Int64GetDatum(line_no);
	n[O_LINE_NO] = false;
	if (l->ndata > 0)
	{
		v[O_DATA1] = PointerGetDatum(field_text(l->data[0]));
		n[O_DATA1] = false;
	}
	put_row(st, v, n);
}

static inline bool
is_none(CcrQlField f)
{
	return f.len == 0 || (f.len == 4 && memcmp(f.p, "NONE", 4) == 0);
}

/*
 * Seconds in data field i as microseconds, or -1.  A value over a year is
 * read as missing (-1), not rejected: no queue wait or call lasts a year,
 * such a field is a corrupt or foreign value, and the call itself is still
 * good: its times then come from the event times (ENTERQUEUE, CONNECT), as
 * for a field that is absent.  docs/asterisk.md says so.
 */
static int64
data_secs(const CcrQlLine *l, int i)
{
	int64_t		x;

	if (i >= l->ndata || i >= CCR_QL_MAX_DATA || !ccr_queue_log_int(l->data[i], &x))
		return -1;
	if (x > INT64CONST(366) * 86400)
		return -1;
	return (int64) x * USECS_PER_SEC;
}

/* A queue position (1 = next) in data field i, or -1 when absent or absurd. */
static int
data_pos(const CcrQlLine *l, int i)
{
	int64_t		x;

	if (i >= l->ndata || i >= CCR_QL_MAX_DATA || !ccr_queue_log_int(l->data[i], &x))
		return -1;
	return (x >= 1 && x <= PG_INT32_MAX) ? (int) x : -1;
}

/* timestamptz_to_str() returns a static buffer: copy it */
static const char *
fmt_time(int64 unix_us)
{
	return pstrdup(timestamptz_to_str(us_to_ts(unix_us)));
}

/*
 * A ring of an agent for this call, [from, to): queue_log logs a ring only
 * when it ends (RINGNOANSWER, RINGCANCELED with the ring time in ms; CONNECT
 * with it in seconds), so the wallboard knows rings after the fact.
 */
static void
emit_ring(ImportState *st, const CcrQlLine *l, int64 from_us, int64 to_us)
{
	Datum		v[O_NCOLS];
	bool		n[O_NCOLS];

	if (st->desc->natts < O_NCOLS || is_none(l->agent) || from_us < 0)
		return;
	init_row(v, n, "ring");
	v[O_CALLID] = PointerGetDatum(field_text(l->callid));
	n[O_CALLID] = false;
	v[O_QUEUE] = PointerGetDatum(field_text(l->queue));
	n[O_QUEUE] = false;
	v[O_AGENT] = PointerGetDatum(field_text(l->agent));
	n[O_AGENT] = false;
	v[O_AT] = TimestampTzGetDatum(us_to_ts(Min(from_us, to_us)));
	n[O_AT] = false;
	v[O_ENDED] = TimestampTzGetDatum(us_to_ts(to_us));
	n[O_ENDED] = false;
	put_row(st, v, n);
}

/* ring time in ms in data field i as microseconds, or -1 */
static int64
data_ms(const CcrQlLine *l, int i)
{
	int64_t		x;

	if (i >= l->ndata || i >= CCR_QL_MAX_DATA || !ccr_queue_log_int(l->data[i], &x))
		return -1;
	if (x > INT64CONST(366) * 86400 * 1000)
		return -1;
	return (int64) x * 1000;
}

/* --- one parsed line, by event class ----------------------------------------- */

/*
 * System and presence events, and call events that never make a contact.
 * Returns true when the line is dealt with.
 */
static bool
process_non_call_line(ImportState *st, const CcrQlLine *l, int64 line_no,
					  const char *line, int len)
{
	switch (l->ev)
	{
		case CCR_QL_EV_UNKNOWN:
			emit_reject(st, NULL, 0, NULL, 0, line_no, line, len,
						psprintf("unknown event \"%.*s\"",
								 pg_mbcliplen(l->event.p, l->event.len, 64), l->event.p));
			return true;
		case CCR_QL_EV_CONFIGRELOAD:
		case CCR_QL_EV_PENALTY:
			return true;
		case CCR_QL_EV_QUEUESTART:
			{
				/* Asterisk (re)started: calls open before it will never end. */
				dlist_mutable_iter it;
				char	   *reason = NULL;

				dlist_foreach_modify(it, &st->open)
				{
					Visit	   *o = dlist_container(Visit, node, it.cur);

					if (o->last_us > l->time_us)
						continue;
					if (!reason)
						reason = psprintf("cut: Asterisk restarted (QUEUESTART at %s) before the call ended",
										  fmt_time(l->time_us));
					visit_reject(st, o, reason);
				}
				return true;
			}
		case CCR_QL_EV_ADDMEMBER:
		case CCR_QL_EV_REMOVEMEMBER:
		case CCR_QL_EV_PAUSE:
		case CCR_QL_EV_UNPAUSE:
		case CCR_QL_EV_PAUSEALL:
		case CCR_QL_EV_UNPAUSEALL:
		case CCR_QL_EV_AGENTLOGIN:
		case CCR_QL_EV_AGENTLOGOFF:
		case CCR_QL_EV_AGENTCALLBACKLOGIN:
		case CCR_QL_EV_AGENTCALLBACKLOGOFF:
			if (is_none(l->agent))
				emit_reject(st, NULL, 0, NULL, 0, line_no, line, len,
							"presence event without an agent");
			else
				emit_presence(st, l, line_no);
			return true;
		case CCR_QL_EV_JOINEMPTY:
		case CCR_QL_EV_JOINUNAVAIL:
			/* the caller never entered the queue: not a contact */
			return true;
		default:
			return false;
	}
}

/* The visit of the line's (callid, queue), created if new. */
static Visit *
lookup_visit(ImportState *st, const CcrQlLine *l)
{
	VisitKey	key;
	Visit	   *vs;
	bool		found;
	char	   *kbuf;

	kbuf = palloc(l->callid.len + l->queue.len + 1);
	memcpy(kbuf, l->callid.p, l->callid.len);
	kbuf[l->callid.len] = '\x1f';
	memcpy(kbuf + l->callid.len + 1, l->queue.p, l->queue.len);
	key.s = kbuf;
	key.len = l->callid.len + l->queue.len + 1;
	key.callid_len = l->callid.len;
	vs = hash_search(st->visits, &key, HASH_ENTER, &found);
	if (!found)
	{
		vs->key.s = MemoryContextAlloc(st->cxt, key.len);
		memcpy((char *) vs->key.s, kbuf, key.len);
		vs->key.len = key.len;
		vs->key.callid_len = key.callid_len;
		vs->state = VS_NEW;
		vs->visit = 0;
		vs->open = false;
		vs->done = false;
		vs->agent = vs->customer = NULL;
		vs->buf = NULL;
		vs->lineno = NULL;
		vs->off = NULL;
		vs->buflen = vs->bufcap = vs->nlines = vs->linecap = 0;
		vs->h = NULL;
		vs->nh = vs->hcap = 0;
		vs->last_us = vs->enter_us = vs->connect_us = 0;
		vs->holdtime = -1;
		vs->entry_pos = -1;
	}
	pfree(kbuf);
	return vs;
}

/*
 * Informational call events (DID before ENTERQUEUE, rings) never change a
 * call, so they never make one out of order either: a re-import reads a
 * pending call's stored lines before the source's earlier DID line.
 * Returns true when the line was one of them.
 */
static bool
process_info_event(ImportState *st, Visit *vs, const CcrQlLine *l,
				   int64 line_no, const char *line, int len)
{
	CcrQlEvent	ev = l->ev;

	if (ev != CCR_QL_EV_DID && ev != CCR_QL_EV_INFO && ev != CCR_QL_EV_AGENTDUMP &&
		ev != CCR_QL_EV_SYSCOMPAT && ev != CCR_QL_EV_RINGNOANSWER &&
		ev != CCR_QL_EV_RINGCANCELED)
		return false;
	if (vs->state == VS_REJECTED)
		emit_reject(st, l->callid.p, l->callid.len, l->queue.p, l->queue.len,
					line_no, line, len, "part of a rejected call");
	else if ((vs->state == VS_WAITING || vs->state == VS_CONNECTED ||
			  vs->state == VS_ORPHAN) && l->time_us >= vs->last_us)
	{
		visit_add_line(st, vs, line_no, line, len);
		vs->last_us = l->time_us;
		if (vs->state == VS_WAITING &&
			(ev == CCR_QL_EV_RINGNOANSWER || ev == CCR_QL_EV_RINGCANCELED))
		{
			int64		ms = data_ms(l, 0);

			if (ms >= 0)
				emit_ring(st, l, l->time_us - ms, l->time_us);
		}
	}
	return true;
}

/*
 * Checks a state-changing call event against the visit's state.  Returns
 * true when the event goes on to start_visit (an ENTERQUEUE opening a visit)
 * or apply_call_event; false when it was buffered, rejected or dropped here.
 */
static bool
check_call_order(ImportState *st, Visit *vs, const CcrQlLine *l,
				 int64 line_no, const char *line, int len)
{
	CcrQlEvent	ev = l->ev;
	int64		t = l->time_us;
	const char *evname = ccr_queue_log_event_name(ev);

	switch (vs->state)
	{
		case VS_REJECTED:
			emit_reject(st, l->callid.p, l->callid.len, l->queue.p, l->queue.len,
						line_no, line, len, "part of a rejected call");
			return false;

		case VS_ENDED:
			if (ev == CCR_QL_EV_ENTERQUEUE && t >= vs->last_us)
				return true;	/* the same call queues here again */
			emit_reject(st, l->callid.p, l->callid.len, l->queue.p, l->queue.len,
						line_no, line, len,
						psprintf("%s after the call ended (at %s)", evname, fmt_time(vs->last_us)));
			return false;

		case VS_NEW:
		case VS_ORPHAN:
			if (ev != CCR_QL_EV_ENTERQUEUE)
			{
				if (vs->state == VS_ORPHAN && t < vs->last_us)
				{
					visit_add_line(st, vs, line_no, line, len);
					visit_reject(st, vs, psprintf("out of order: %s at %s is earlier than the call's previous event (%s) and there is no ENTERQUEUE",
												  evname, fmt_time(t), fmt_time(vs->last_us)));
					return false;
				}
				vs->state = VS_ORPHAN;
				vs->last_us = t;
				visit_add_line(st, vs, line_no, line, len);
				visit_set_open(st, vs, true);
				return false;
			}
			if (vs->state == VS_ORPHAN)
			{
				if (t < vs->last_us)
				{
					visit_add_line(st, vs, line_no, line, len);
					visit_reject(st, vs, psprintf("out of order: ENTERQUEUE at %s comes after later events of the call",
												  fmt_time(t)));
					return false;
				}
				/* a fragment of an earlier visit (its start was in an older log) */
				visit_flush(st, vs, "orphan", NULL);
				visit_set_open(st, vs, false);
			}
			return true;

		case VS_WAITING:
		case VS_CONNECTED:
			if (t < vs->last_us)
			{
				visit_add_line(st, vs, line_no, line, len);
				visit_reject(st, vs, psprintf("out of order: %s at %s is earlier than the call's previous event (%s)",
											  evname, fmt_time(t), fmt_time(vs->last_us)));
				return false;
			}
			return true;
	}
	return false;
}

/* ENTERQUEUE(url|callerid|position) opening a visit (state NEW, ORPHAN or ENDED) */
static void
start_visit(ImportState *st, Visit *vs, const CcrQlLine *l,
			int64 line_no, const char *line, int len)
{
	Assert(l->ev == CCR_QL_EV_ENTERQUEUE);
	if (vs->done)
	{
		dlist_delete(&vs->donenode);
		vs->done = false;
	}
	vs->state = VS_WAITING;
	vs->visit++;
	vs->enter_us = vs->last_us = l->time_us;
	vs->connect_us = 0;
	vs->holdtime = -1;
	vs->agent = NULL;
	vs->customer = (l->ndata >= 2 && l->data[1].len > 0) ? copy_field(st, l->data[1]) : NULL;
	vs->entry_pos = data_pos(l, 2);
	visit_add_line(st, vs, line_no, line, len);
	visit_set_open(st, vs, true);
}

/* COMPLETE*, TRANSFER*: the end of an answered call */
static void
end_answered(ImportState *st, Visit *vs, const CcrQlLine *l)
{
	/* COMPLETE*(holdtime|calltime|origposition);
	 * TRANSFER/BLINDTRANSFER(extension|context|holdtime|calltime|origposition);
	 * ATTENDEDTRANSFER(method|target|holdtime|calltime|origposition) */
	CcrQlEvent	ev = l->ev;
	bool		xfer = (ev != CCR_QL_EV_COMPLETEAGENT && ev != CCR_QL_EV_COMPLETECALLER);
	int64		calltime = data_secs(l, xfer ? 3 : 1);
	int64		offered;

	if (vs->state != VS_CONNECTED)
	{
		visit_reject(st, vs, psprintf("%s but the call was never connected (no CONNECT)",
									  ccr_queue_log_event_name(ev)));
		return;
	}
	if (calltime < 0)
		calltime = l->time_us - vs->connect_us;
	offered = vs->holdtime >= 0 ? vs->connect_us - vs->holdtime : vs->enter_us;
	emit_contact(st, vs, "answered", l->time_us, offered, calltime, xfer,
				 xfer ? "transfer" : ev == CCR_QL_EV_COMPLETEAGENT ? "agent" : "caller", -1);
}

/* ABANDON, EXIT*: the end of an unanswered call */
static void
end_unanswered(ImportState *st, Visit *vs, const CcrQlLine *l)
{
	/* ABANDON/EXITWITHTIMEOUT/EXITEMPTY(position|origposition|waittime);
	 * EXITWITHKEY(key|position|origposition|waittime) */
	CcrQlEvent	ev = l->ev;
	bool		key = (ev == CCR_QL_EV_EXITWITHKEY);
	int64		wait = data_secs(l, key ? 3 : 2);
	const char *outcome =
		ev == CCR_QL_EV_ABANDON ? "abandoned" :
		ev == CCR_QL_EV_EXITWITHTIMEOUT ? "timeout" :
		ev == CCR_QL_EV_EXITEMPTY ? "exit_empty" : "exit_key";

	if (vs->state == VS_CONNECTED)
	{
		visit_reject(st, vs, psprintf("%s after the call was connected",
									  ccr_queue_log_event_name(ev)));
		return;
	}
	emit_contact(st, vs, outcome, l->time_us, wait >= 0 ? l->time_us - wait : vs->enter_us,
				 0, false, NULL, data_pos(l, key ? 1 : 0));
}

/* A state-changing event of an open visit (WAITING or CONNECTED). */
static void
apply_call_event(ImportState *st, Visit *vs, const CcrQlLine *l,
				 int64 line_no, const char *line, int len)
{
	visit_add_line(st, vs, line_no, line, len);
	vs->last_us = l->time_us;

	switch (l->ev)
	{
		case CCR_QL_EV_ENTERQUEUE:
			/* not a duplicate (that was dropped above): a second entry */
			vs->nlines--;		/* keep it out of the call's lines */
			vs->buflen = vs->off[vs->nlines];
			emit_reject(st, l->callid.p, l->callid.len, l->queue.p, l->queue.len,
						line_no, line, len, "ENTERQUEUE while the call is already in this queue");
			return;

		case CCR_QL_EV_CONNECT:
			{
				/* CONNECT(holdtime|bridged channel uniqueid|ringtime) */
				int64		ring = data_secs(l, 2);

				if (vs->state == VS_CONNECTED)
				{
					visit_reject(st, vs, "CONNECT while the call was already connected");
					return;
				}
				vs->state = VS_CONNECTED;
				vs->connect_us = l->time_us;
				vs->holdtime = data_secs(l, 0);
				vs->agent = is_none(l->agent) ? NULL : copy_field(st, l->agent);
				if (ring >= 0)
					emit_ring(st, l, l->time_us - ring, l->time_us);
				return;
			}

		case CCR_QL_EV_COMPLETEAGENT:
		case CCR_QL_EV_COMPLETECALLER:
		case CCR_QL_EV_TRANSFER:
		case CCR_QL_EV_BLINDTRANSFER:
		case CCR_QL_EV_ATTENDEDTRANSFER:
			end_answered(st, vs, l);
			return;

		case CCR_QL_EV_ABANDON:
		case CCR_QL_EV_EXITWITHTIMEOUT:
		case CCR_QL_EV_EXITEMPTY:
		case CCR_QL_EV_EXITWITHKEY:
			end_unanswered(st, vs, l);
			return;

		default:
			elog(ERROR, "queue_log event %d not handled", (int) l->ev);
	}
}

static void
process_line(ImportState *st, const CcrQlLine *l, int64 line_no,
			 const char *line, int len)
{
	Visit	   *vs;

	if (l->time_us > st->max_us)
	{
		st->max_us = l->time_us;
		forget_old_visits(st);
	}
	if (process_non_call_line(st, l, line_no, line, len))
		return;

	/* a call event */
	if (is_none(l->callid) || is_none(l->queue))
	{
		emit_reject(st, NULL, 0, NULL, 0, line_no, line, len,
					is_none(l->callid) ? "call event without a callid" : "call event without a queue");
		return;
	}
	vs = lookup_visit(st, l);
	if (visit_seen(st, vs, ccr_queue_log_line_hash(l)))
	{
		st->duplicates++;
		return;
	}
	if (process_info_event(st, vs, l, line_no, line, len))
		return;
	if (!check_call_order(st, vs, l, line_no, line, len))
		return;
	if (vs->state != VS_WAITING && vs->state != VS_CONNECTED)
		start_visit(st, vs, l, line_no, line, len);
	else
		apply_call_event(st, vs, l, line_no, line, len);
}

/* --- realtime rows -------------------------------------------------------- */

/* A realtime time given as text: an epoch, or a date/time without zone read
 * in the session TimeZone (as a cast to timestamptz would). */
static bool
parse_time_text(const char *s, int64 *unix_us)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	struct pg_tm tt;
	fsec_t		fsec;
	int			tz;
	Timestamp	ts;
	CcrQlLine	probe;
	char	   *epochline;

	if (strlen(s) >= MAXDATELEN)
		return false;
	/* epoch? reuse the line parser on "s|x|x|x|x" */
	epochline = psprintf("%s|x|x|x|x", s);
	if (ccr_parse_queue_log_line(epochline, strlen(epochline), &probe) == CCR_QL_OK)
	{
		*unix_us = probe.time_us;
		return true;
	}
	if (ParseDateTime(s, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf) != 0)
		return false;
	if (DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) != 0 || dtype != DTK_DATE)
		return false;
	if (tm2timestamp(&tt, fsec, &tz, &ts) != 0)
		return false;
	*unix_us = ts + UNIX_TO_PG_USECS;
	return true;
}

static void
append_field(StringInfo sb, bool isnull, Datum d)
{
	if (!isnull)
	{
		text	   *t = DatumGetTextPP(d);

		appendBinaryStringInfo(sb, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
}

/* --- driver --------------------------------------------------------------- */

static void
run_query(ImportState *st, const char *query)
{
	Portal		portal;
	SPIPlanPtr	plan;
	StringInfoData sb;
	MemoryContext rowcxt;

	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", query, SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "queue_log rows", ALLOCSET_DEFAULT_SIZES);
	initStringInfo(&sb);

	for (;;)
	{
		uint64		i;

		SPI_cursor_fetch(portal, true, 10000);
		if (SPI_processed == 0)
			break;
		if (SPI_tuptable->tupdesc->natts != 9)
			elog(ERROR, "queue_log source query must return 9 columns");
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			TupleDesc	td = SPI_tuptable->tupdesc;
			MemoryContext old = MemoryContextSwitchTo(rowcxt);
			bool		isnull;
			Datum		d;
			int64		line_no;
			CcrQlLine	l;
			int			status;

			CHECK_FOR_INTERRUPTS();
			st->ordinal++;
			if (st->counting)
				st->lines_read++;
			d = SPI_getbinval(tup, td, 1, &isnull);
			line_no = isnull ? st->ordinal : DatumGetInt64(d);

			d = SPI_getbinval(tup, td, 2, &isnull);
			resetStringInfo(&sb);
			if (!isnull)
			{
				text	   *t = DatumGetTextPP(d);

				appendBinaryStringInfo(&sb, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				while (sb.len > 0 && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == '\r'))
					sb.data[--sb.len] = '\0';
			}
			else
			{
				/* realtime row: rebuild the file line */
				Datum		tz = SPI_getbinval(tup, td, 3, &isnull);
				int64		us = 0;
				bool		have_time = false;
				int			c;

				if (!isnull)
				{
					us = DatumGetTimestampTz(tz) + UNIX_TO_PG_USECS;
					have_time = us >= 0 && us <= INT64CONST(253402300799) * USECS_PER_SEC;
				}
				else
				{
					Datum		tt = SPI_getbinval(tup, td, 4, &isnull);

					if (!isnull)
						have_time = parse_time_text(TextDatumGetCString(tt), &us) &&
							us >= 0 && us <= INT64CONST(253402300799) * USECS_PER_SEC;
				}
				if (have_time)
					appendStringInfo(&sb, INT64_FORMAT ".%06d",
									 us / USECS_PER_SEC, (int) (us % USECS_PER_SEC));
				else
				{
					Datum		tt = SPI_getbinval(tup, td, 4, &isnull);

					appendStringInfoString(&sb, isnull ? "" : TextDatumGetCString(tt));
				}
				for (c = 5; c <= 9; c++)
				{
					d = SPI_getbinval(tup, td, c, &isnull);
					appendStringInfoChar(&sb, '|');
					append_field(&sb, isnull, d);
				}
				if (!have_time)
				{
					emit_reject(st, NULL, 0, NULL, 0, line_no, sb.data, sb.len,
								"malformed row: time is NULL or not a date/time");
					MemoryContextSwitchTo(old);
					MemoryContextReset(rowcxt);
					continue;
				}
			}

			status = ccr_parse_queue_log_line(sb.data, sb.len, &l);
			if (status == CCR_QL_OK)
				process_line(st, &l, line_no, sb.data, sb.len);
			else if (status != CCR_QL_BLANK)
				emit_reject(st, NULL, 0, NULL, 0, line_no, sb.data, sb.len,
							ccr_queue_log_status_message(status));
			MemoryContextSwitchTo(old);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
}

/*
 * ccr._queue_log_process(pending_query text, source_query text)
 *		RETURNS TABLE (kind, callid, queue, visit, agent, customer, offered_at,
 *		answered_at, ended_at, outcome, talk_s, transferred, line_no, line,
 *		reason, event, at, data1)
 * Internal: called by ccr.import_queue_log().
 */
PG_FUNCTION_INFO_V1(ccr_queue_log_process);
Datum
ccr_queue_log_process(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *pending_q = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *source_q = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ImportState st;
	HASHCTL		ctl;
	dlist_mutable_iter it;
	Datum		v[O_NCOLS];
	bool		n[O_NCOLS];

	InitMaterializedSRF(fcinfo, 0);
	memset(&st, 0, sizeof(st));
	st.ts = rsinfo->setResult;
	st.desc = rsinfo->setDesc;
	if (st.desc->natts != O_NCOLS && st.desc->natts != O_NCOLS_V1)
		elog(ERROR, "ccr._queue_log_process: wrong result type");
	st.cxt = AllocSetContextCreate(CurrentMemoryContext, "queue_log import", ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(VisitKey);
	ctl.entrysize = sizeof(Visit);
	ctl.hash = visit_hash;
	ctl.match = visit_match;
	ctl.hcxt = st.cxt;
	st.visits = hash_create("queue_log visits", 4096, &ctl,
							HASH_ELEM | HASH_FUNCTION | HASH_COMPARE | HASH_CONTEXT);
	dlist_init(&st.open);
	dlist_init(&st.orphans);
	dlist_init(&st.done);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	st.counting = false;
	run_query(&st, pending_q);
	st.counting = true;
	st.ordinal = 0;
	run_query(&st, source_q);
	SPI_finish();

	/* calls still open: pending (not ended yet) or orphans */
	dlist_foreach_modify(it, &st.open)
	{
		Visit	   *vs = dlist_container(Visit, node, it.cur);

		visit_flush(&st, vs, "pending", NULL);
		dlist_delete(&vs->node);
		vs->open = false;
	}
	dlist_foreach_modify(it, &st.orphans)
	{
		Visit	   *vs = dlist_container(Visit, node, it.cur);

		visit_flush(&st, vs, "orphan", NULL);
		dlist_delete(&vs->node);
		vs->open = false;
	}

	init_row(v, n, "stats");
	v[O_LINE_NO] = Int64GetDatum(st.lines_read);
	n[O_LINE_NO] = false;
	v[O_VISIT] = Int32GetDatum((int32) Min(st.duplicates, PG_INT32_MAX));
	n[O_VISIT] = false;
	put_row(&st, v, n);

	MemoryContextDelete(st.cxt);
	return (Datum) 0;
}

/*
 * ccr.parse_queue_log_line(line text) RETURNS record
 *		(time timestamptz, callid text, queuename text, agent text,
 *		 event text, data text[], known boolean)
 * Parses one queue_log file line; malformed is 22P02 naming the reason.
 */
PG_FUNCTION_INFO_V1(ccr_parse_queue_log_line_sql);
Datum
ccr_parse_queue_log_line_sql(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	CcrQlLine	l;
	int			status;
	TupleDesc	desc;
	Datum		v[7];
	bool		n[7] = {false, false, false, false, false, false, false};
	Datum	   *elems;
	int			i;
	int			nd;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	status = ccr_parse_queue_log_line(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &l);
	if (status != CCR_QL_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid queue_log line: %s", ccr_queue_log_status_message(status)),
				 errdetail("line: \"%.*s\"", Min((int) VARSIZE_ANY_EXHDR(t), 200), VARDATA_ANY(t))));
	v[0] = TimestampTzGetDatum(us_to_ts(l.time_us));
	v[1] = PointerGetDatum(field_text(l.callid));
	v[2] = PointerGetDatum(field_text(l.queue));
	v[3] = PointerGetDatum(field_text(l.agent));
	v[4] = PointerGetDatum(field_text(l.event));
	nd = Min(l.ndata, CCR_QL_MAX_DATA);
	elems = palloc(sizeof(Datum) * Max(nd, 1));
	for (i = 0; i < nd; i++)
		elems[i] = PointerGetDatum(field_text(l.data[i]));
	v[5] = PointerGetDatum(construct_array(elems, nd, TEXTOID, -1, false, TYPALIGN_INT));
	v[6] = BoolGetDatum(l.ev != CCR_QL_EV_UNKNOWN);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, n)));
}
