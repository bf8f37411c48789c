/**
 * Label matchers as Alertmanager users write them ({@code name="value"}, {@code !=}, {@code =~},
 * {@code !~}), parsed from operator text with bounded cost and matched with a time budget.
 */
package io.connwatch.lifecycle.match;
