/*
 * queue_log.c
 *		Parser of one line of Asterisk's queue_log file (see queue_log.h).
 *
 * Deliberately free of PostgreSQL headers: the importer (queue_log_import.c)
 * and a fuzz harness both link it.
 */
#include "queue_log.h"

#include <string.h>

/* Largest epoch accepted: 9999-12-31 23:59:59 UTC. */
#define CCR_QL_MAX_EPOCH INT64_C(253402300799)

static const struct
{
	const char *name;
	CcrQlEvent	ev;
}			ccr_ql_events[] = {
	{"ENTERQUEUE", CCR_QL_EV_ENTERQUEUE},
	{"CONNECT", CCR_QL_EV_CONNECT},
	{"COMPLETEAGENT", CCR_QL_EV_COMPLETEAGENT},
	{"COMPLETECALLER", CCR_QL_EV_COMPLETECALLER},
	{"ABANDON", CCR_QL_EV_ABANDON},
	{"EXITWITHTIMEOUT", CCR_QL_EV_EXITWITHTIMEOUT},
	{"EXITWITHKEY", CCR_QL_EV_EXITWITHKEY},
	{"EXITEMPTY", CCR_QL_EV_EXITEMPTY},
	{"TRANSFER", CCR_QL_EV_TRANSFER},
	{"ATTENDEDTRANSFER", CCR_QL_EV_ATTENDEDTRANSFER},
	{"BLINDTRANSFER", CCR_QL_EV_BLINDTRANSFER},
	{"RINGNOANSWER", CCR_QL_EV_RINGNOANSWER},
	{"RINGCANCELED", CCR_QL_EV_RINGCANCELED},
	{"DID", CCR_QL_EV_DID},
	{"INFO", CCR_QL_EV_INFO},
	{"AGENTDUMP", CCR_QL_EV_AGENTDUMP},
	{"SYSCOMPAT", CCR_QL_EV_SYSCOMPAT},
	{"JOINEMPTY", CCR_QL_EV_JOINEMPTY},
	{"JOINUNAVAIL", CCR_QL_EV_JOINUNAVAIL},
	{"QUEUESTART", CCR_QL_EV_QUEUESTART},
	{"CONFIGRELOAD", CCR_QL_EV_CONFIGRELOAD},
	{"ADDMEMBER", CCR_QL_EV_ADDMEMBER},
	{"REMOVEMEMBER", CCR_QL_EV_REMOVEMEMBER},
	{"PAUSE", CCR_QL_EV_PAUSE},
	{"UNPAUSE", CCR_QL_EV_UNPAUSE},
	{"PAUSEALL", CCR_QL_EV_PAUSEALL},
	{"UNPAUSEALL", CCR_QL_EV_UNPAUSEALL},
	{"AGENTLOGIN", CCR_QL_EV_AGENTLOGIN},
	{"AGENTLOGOFF", CCR_QL_EV_AGENTLOGOFF},
	{"AGENTCALLBACKLOGIN", CCR_QL_EV_AGENTCALLBACKLOGIN},
	{"AGENTCALLBACKLOGOFF", CCR_QL_EV_AGENTCALLBACKLOGOFF},
	{"PENALTY", CCR_QL_EV_PENALTY},
};

CcrQlEvent
ccr_queue_log_event(const char *p, int len)
{
	size_t		i;

	if (p == NULL || len <= 0 || len > 32)
		return CCR_QL_EV_UNKNOWN;
	for (i = 0; i < sizeof(ccr_ql_events) / sizeof(ccr_ql_events[0]); i++)
	{
		const char *n = ccr_ql_events[i].name;

		if ((int) strlen(n) == len && memcmp(n, p, len) == 0)
			return ccr_ql_events[i].ev;
	}
	return CCR_QL_EV_UNKNOWN;
}

const char *
ccr_queue_log_event_name(CcrQlEvent ev)
{
	size_t		i;

	for (i = 0; i < sizeof(ccr_ql_events) / sizeof(ccr_ql_events[0]); i++)
		if (ccr_ql_events[i].ev == ev)
			return ccr_ql_events[i].name;
	return "";
}

const char *
ccr_queue_log_status_message(int status)
{
	switch (status)
	{
		case CCR_QL_OK:
			return "ok";
		case CCR_QL_BLANK:
			return "blank line";
		case CCR_QL_BAD_TIME:
			return "malformed line: the first field is not a Unix time";
		case CCR_QL_TOO_FEW_FIELDS:
			return "malformed line: fewer than 5 |-separated fields";
		case CCR_QL_EMPTY_EVENT:
			return "malformed line: empty event field";
		case CCR_QL_BAD_BYTE:
			return "malformed line: NUL byte";
	}
	return "malformed line";
}

/* digits[.digits(1..6)] -> microseconds; false if anything else */
static bool
parse_epoch(const char *p, int len, int64_t *out)
{
	int64_t		secs = 0;
	int64_t		frac = 0;
	int			i = 0;
	int			ndig = 0;
	int			nfrac = 0;

	while (i < len && p[i] >= '0' && p[i] <= '9')
	{
		if (++ndig > 12)
			return false;
		secs = secs * 10 + (p[i] - '0');
		i++;
	}
	if (ndig == 0)
		return false;
	if (i < len && p[i] == '.')
	{
		i++;
		while (i < len && p[i] >= '0' && p[i] <= '9')
		{
			if (++nfrac > 6)
				return false;
			frac = frac * 10 + (p[i] - '0');
			i++;
		}
		if (nfrac == 0)
			return false;
		while (nfrac++ < 6)
			frac *= 10;
	}
	if (i != len || secs > CCR_QL_MAX_EPOCH)
		return false;
	*out = secs * INT64_C(1000000) + frac;
	return true;
}

int
ccr_parse_queue_log_line(const char *line, int len, CcrQlLine *out)
{
	CcrQlField	f[5];
	int			nf = 0;
	int			start = 0;
	int			i;

	if (line == NULL || len <= 0)
		return CCR_QL_BLANK;
	/* line terminators */
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len <= 0)
		return CCR_QL_BLANK;
	if (memchr(line, '\0', (size_t) len) != NULL)
		return CCR_QL_BAD_BYTE;
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			break;
	if (i == len)
		return CCR_QL_BLANK;

	out->ndata = 0;
	for (i = 0; i <= len; i++)
	{
		if (i == len || line[i] == '|')
		{
			CcrQlField	x;

			x.p = line + start;
			x.len = i - start;
			if (nf < 5)
				f[nf++] = x;
			else
			{
				if (out->ndata < CCR_QL_MAX_DATA)
					out->data[out->ndata] = x;
				out->ndata++;
			}
			start = i + 1;
		}
	}
	if (nf < 5)
		return CCR_QL_TOO_FEW_FIELDS;
	if (!parse_epoch(f[0].p, f[0].len, &out->time_us))
		return CCR_QL_BAD_TIME;
	out->callid = f[1];
	out->queue = f[2];
	out->agent = f[3];
	out->event = f[4];
	if (f[4].len == 0)
		return CCR_QL_EMPTY_EVENT;
	/* Trailing empty data fields carry nothing ("ABANDON|1|1|20|" = 3). */
	while (out->ndata > 0 && out->ndata <= CCR_QL_MAX_DATA &&
		   out->data[out->ndata - 1].len == 0)
		out->ndata--;
	out->ev = ccr_queue_log_event(out->event.p, out->event.len);
	return CCR_QL_OK;
}

bool
ccr_queue_log_int(CcrQlField f, int64_t *out)
{
	int64_t		v = 0;
	int			i = 0;
	int			ndig = 0;

	if (f.p == NULL)
		return false;
	while (i < f.len && (f.p[i] == ' ' || f.p[i] == '\t'))
		i++;
	while (i < f.len && f.p[i] >= '0' && f.p[i] <= '9')
	{
		if (++ndig > 15)
			return false;
		v = v * 10 + (f.p[i] - '0');
		i++;
	}
	while (i < f.len && (f.p[i] == ' ' || f.p[i] == '\t'))
		i++;
	if (ndig == 0 || i != f.len)
		return false;
	*out = v;
	return true;
}

static inline uint64_t
fnv(uint64_t h, const void *p, int len)
{
	const unsigned char *s = p;
	int			i;

	for (i = 0; i < len; i++)
	{
		h ^= s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

uint64_t
ccr_queue_log_line_hash(const CcrQlLine *l)
{
	uint64_t	h = UINT64_C(14695981039346656037);
	int			i;
	int			n = l->ndata < CCR_QL_MAX_DATA ? l->ndata : CCR_QL_MAX_DATA;
	unsigned char sep = 0x1f;

	h = fnv(h, &l->time_us, sizeof(l->time_us));
	h = fnv(h, l->agent.p, l->agent.len);
	h = fnv(h, &sep, 1);
	h = fnv(h, l->event.p, l->event.len);
	for (i = 0; i < n; i++)
	{
		h = fnv(h, &sep, 1);
		h = fnv(h, l->data[i].p, l->data[i].len);
	}
	return h;
}
