/** The Elasticsearch / OpenSearch channel: alerts as Elastic Common Schema documents through the _bulk API. */
package io.connwatch.notify.elastic;
