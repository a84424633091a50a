/* shim.h: what the fuzz harness sees of the backend shim (shim.c) */
#ifndef CCR_FUZZ_SHIM_H
#define CCR_FUZZ_SHIM_H

#include <setjmp.h>

extern sigjmp_buf *ccr_shim_jump;	/* where ereport(ERROR) lands */
extern int	ccr_shim_sqlerrcode;	/* of the last error */
extern char ccr_shim_message[];	/* its primary message */
extern void ccr_shim_reset(void);	/* frees everything palloc'd */

#endif
