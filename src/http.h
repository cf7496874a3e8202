/*
 * http.h: libmicrohttpd's callbacks, which turn its calls into requests
 * for the route table (see api.h for what handlers see). Their `cls` is
 * the struct server.
 */
#ifndef HW_HTTP_H
#define HW_HTTP_H

#include <stddef.h>

#include <microhttpd.h>

enum MHD_Result http_access(void *cls, struct MHD_Connection *conn,
			    const char *url, const char *method,
			    const char *version, const char *upload_data,
			    size_t *upload_data_size, void **req_cls);

void http_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
		    enum MHD_RequestTerminationCode toe);

#endif
