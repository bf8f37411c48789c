/** The configuration file parsed once into typed, validated settings, with every problem reported together. */
package io.connwatch.engine.config;
