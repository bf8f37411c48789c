/** Tools for developers and demos: the fleet data generator and the Kafka record producer. */
package io.connwatch.engine.devtools;
