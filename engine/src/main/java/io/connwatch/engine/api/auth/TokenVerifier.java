package io.connwatch.engine.api.auth;

import java.util.List;
import java.util.Optional;

/**
 * Tells which configured token a presented one is, comparing SHA-256 hashes in constant time and
 * always against every token, so neither the answer's timing nor its shape tells how close a guess was.
 */
public final class TokenVerifier {
    private final List<ApiToken> tokens;

    public TokenVerifier(List<ApiToken> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    /** The principal of the token presented, or empty when it is none of the configured ones. */
    public Optional<Principal> verify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = ApiToken.hash(presented);
        ApiToken found = null;
        for (ApiToken t : tokens) {
            if (t.matches(hash) && found == null) {
                found = t;
            }
        }
        return Optional.ofNullable(found).map(ApiToken::principal);
    }

    /** How many tokens are configured. */
    public int size() {
        return tokens.size();
    }
}
