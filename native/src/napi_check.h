/* N-API call checking: every napi_* call goes through CHECK, which throws a JS error naming
 * the failed call and returns NULL from the binding function. */
#ifndef KES_NAPI_CHECK_H
#define KES_NAPI_CHECK_H

#include <node_api.h>

#define CHECK(env, call)                                                                      \
	do {                                                                                  \
		napi_status status_ = (call);                                                 \
		if (status_ != napi_ok) {                                                     \
			const napi_extended_error_info *info_ = NULL;                         \
			napi_get_last_error_info((env), &info_);                              \
			bool pending_ = false;                                                \
			napi_is_exception_pending((env), &pending_);                          \
			if (!pending_)                                                        \
				napi_throw_error((env), "KES_NATIVE",                         \
						 info_ && info_->error_message ? info_->error_message \
									       : #call);  \
			return NULL;                                                          \
		}                                                                             \
	} while (0)

#define REQUIRE_ARG(env, cond, msg)                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			napi_throw_type_error((env), "KES_NATIVE_ARG", (msg));                \
			return NULL;                                                          \
		}                                                                             \
	} while (0)

#endif
