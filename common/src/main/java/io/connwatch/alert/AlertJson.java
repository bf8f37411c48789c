package io.connwatch.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON form of an {@link Alert}: ISO-8601 times, lower-case severities, record field names. */
public final class AlertJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();

    private AlertJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One line of JSON, no trailing newline. */
    public static String toJson(Alert alert) {
        try {
            return MAPPER.writeValueAsString(alert);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert is always serializable", e);
        }
    }

    public static Alert fromJson(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Alert.class);
    }
}
