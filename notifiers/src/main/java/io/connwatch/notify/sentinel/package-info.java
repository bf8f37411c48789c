/** The Microsoft Sentinel / Log Analytics channel: rows of a custom table through the Azure Monitor Logs Ingestion API. */
package io.connwatch.notify.sentinel;
