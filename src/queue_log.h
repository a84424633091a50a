/*
 * queue_log.h
 *		Parser of one line of Asterisk's queue_log file.
 *
 * Pure C (stdint/stdbool only, no PostgreSQL headers), so a fuzz harness can
 * link src/queue_log.c on its own:
 *
 *		clang -fsanitize=fuzzer,address -Isrc src/queue_log.c harness.c
 *
 * A line is  epoch|callid|queuename|agent|event[|data1|data2|...]
 * where epoch is whole seconds since 1970-01-01 UTC, optionally with a
 * fraction of up to 6 digits (the importer writes its own pending lines that
 * way).  A trailing "\n", "\r\n" or "\r" is ignored.  Fields are returned as
 * (pointer, length) pairs into the caller's buffer: nothing is allocated and
 * the buffer need not be NUL-terminated.
 */
#ifndef CCR_QUEUE_LOG_H
#define CCR_QUEUE_LOG_H

#include <stdbool.h>
#include <stdint.h>

/* Data fields kept; further ones are counted in ndata but not returned. */
#define CCR_QL_MAX_DATA 8

typedef struct CcrQlField
{
	const char *p;
	int			len;
} CcrQlField;

/* Event types the importer gives a meaning to (others are CCR_QL_EV_UNKNOWN). */
typedef enum CcrQlEvent
{
	CCR_QL_EV_UNKNOWN = 0,
	/* call events */
	CCR_QL_EV_ENTERQUEUE,
	CCR_QL_EV_CONNECT,
	CCR_QL_EV_COMPLETEAGENT,
	CCR_QL_EV_COMPLETECALLER,
	CCR_QL_EV_ABANDON,
	CCR_QL_EV_EXITWITHTIMEOUT,
	CCR_QL_EV_EXITWITHKEY,
	CCR_QL_EV_EXITEMPTY,
	CCR_QL_EV_TRANSFER,
	CCR_QL_EV_ATTENDEDTRANSFER,
	CCR_QL_EV_BLINDTRANSFER,
	CCR_QL_EV_RINGNOANSWER,
	CCR_QL_EV_RINGCANCELED,
	/* call events without an effect on the contact */
	CCR_QL_EV_DID,
	CCR_QL_EV_INFO,
	CCR_QL_EV_AGENTDUMP,
	CCR_QL_EV_SYSCOMPAT,
	CCR_QL_EV_JOINEMPTY,
	CCR_QL_EV_JOINUNAVAIL,
	/* system events */
	CCR_QL_EV_QUEUESTART,
	CCR_QL_EV_CONFIGRELOAD,
	/* presence */
	CCR_QL_EV_ADDMEMBER,
	CCR_QL_EV_REMOVEMEMBER,
	CCR_QL_EV_PAUSE,
	CCR_QL_EV_UNPAUSE,
	CCR_QL_EV_PAUSEALL,
	CCR_QL_EV_UNPAUSEALL,
	CCR_QL_EV_AGENTLOGIN,
	CCR_QL_EV_AGENTLOGOFF,
	CCR_QL_EV_AGENTCALLBACKLOGIN,
	CCR_QL_EV_AGENTCALLBACKLOGOFF,
	CCR_QL_EV_PENALTY
} CcrQlEvent;

typedef enum CcrQlStatus
{
	CCR_QL_OK = 0,
	CCR_QL_BLANK,				/* empty or only white space: not an error */
	CCR_QL_BAD_TIME,			/* first field is not an epoch */
	CCR_QL_TOO_FEW_FIELDS,		/* fewer than 5 fields */
	CCR_QL_EMPTY_EVENT,			/* event field empty */
	CCR_QL_BAD_BYTE				/* a NUL or other control byte in the line */
} CcrQlStatus;

typedef struct CcrQlLine
{
	int64_t		time_us;		/* microseconds since the Unix epoch */
	CcrQlField	callid;
	CcrQlField	queue;
	CcrQlField	agent;
	CcrQlField	event;
	int			ndata;			/* data fields present (may exceed MAX) */
	CcrQlField	data[CCR_QL_MAX_DATA];
	CcrQlEvent	ev;
} CcrQlLine;

/*
 * Parses line[0..len) into *out.  Returns a CcrQlStatus; on anything but
 * CCR_QL_OK the contents of *out are unspecified.  Never reads outside
 * line[0..len), never allocates, never fails on any input.
 */
extern int	ccr_parse_queue_log_line(const char *line, int len, CcrQlLine *out);

/* Readable reason for a status (static string). */
extern const char *ccr_queue_log_status_message(int status);

/* Event code of an event name (exact, upper case as Asterisk writes it). */
extern CcrQlEvent ccr_queue_log_event(const char *p, int len);

/* Event name of a code ("" for unknown). */
extern const char *ccr_queue_log_event_name(CcrQlEvent ev);

/*
 * Integer value of a data field: optional white space, digits, optional
 * white space.  false if empty, not a number, negative or > 2^53.
 */
extern bool ccr_queue_log_int(CcrQlField f, int64_t *out);

/* 64-bit FNV-1a of the fields that identify an event (time, agent, event,
 * data), for dropping duplicate lines. */
extern uint64_t ccr_queue_log_line_hash(const CcrQlLine *l);

#endif							/* CCR_QUEUE_LOG_H */
