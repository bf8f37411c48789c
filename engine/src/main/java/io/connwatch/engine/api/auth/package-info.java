/** Who may use the HTTP API and from where: API tokens and their roles, browser sessions with CSRF tokens, Host and Origin checks, TLS. */
package io.connwatch.engine.api.auth;
