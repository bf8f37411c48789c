/** The email channel over SMTP (Jakarta Mail). */
package io.connwatch.notify.email;
