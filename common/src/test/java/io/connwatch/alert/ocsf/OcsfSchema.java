package io.connwatch.alert.ocsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validator for OCSF events against the class and object definitions shipped as test data
 * ({@code ocsf/ocsf-1.1.0-detection-finding.json}, copied from the published schema): every
 * attribute is defined (and its profile declared in {@code metadata.profiles}), not deprecated,
 * required ones are present, values have their type, enum ids are listed and their caption
 * siblings match, and each object's at-least-one constraint holds. Returns every problem, with its
 * path.
 */
final class OcsfSchema {
    private final JsonNode schema;

    private OcsfSchema(JsonNode schema) {
        this.schema = schema;
    }

    static OcsfSchema load() throws IOException {
        try (InputStream in = OcsfSchema.class.getResourceAsStream("/ocsf/ocsf-1.1.0-detection-finding.json")) {
            return new OcsfSchema(new ObjectMapper().readTree(in));
        }
    }

    String version() {
        return schema.path("version").asText();
    }

    /** Every problem of {@code event} as an instance of {@code className}; empty when it is valid. */
    List<String> validate(String className, JsonNode event) {
        List<String> problems = new ArrayList<>();
        JsonNode cls = schema.path("classes").path(className);
        if (cls.isMissingNode()) {
            problems.add("no class " + className);
            return problems;
        }
        if (event.path("class_uid").asInt(-1) != cls.path("uid").asInt()) {
            problems.add("class_uid: expected " + cls.path("uid").asInt());
        }
        if (event.path("category_uid").asInt(-1) != cls.path("category_uid").asInt()) {
            problems.add("category_uid: expected " + cls.path("category_uid").asInt());
        }
        Set<String> profiles = new HashSet<>();
        event.path("metadata").path("profiles").forEach(p -> profiles.add(p.asText()));
        attributes("", cls, event, profiles, problems);
        return problems;
    }

    private void attributes(String path, JsonNode def, JsonNode value, Set<String> profiles, List<String> problems) {
        if (!value.isObject()) {
            problems.add(path + ": expected an object");
            return;
        }
        if (def.path("open").asBoolean(false)) {
            return;
        }
        JsonNode attrs = def.path("attributes");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + e.getKey();
            JsonNode a = attrs.path(e.getKey());
            if (a.isMissingNode()) {
                problems.add(at + ": not an attribute of " + def.path("caption").asText(def.path("name").asText("the object")));
                continue;
            }
            if (a.has("profile") && !profiles.contains(a.path("profile").asText())) {
                problems.add(at + ": belongs to profile " + a.path("profile").asText() + ", which metadata.profiles does not declare");
            }
            if (a.has("@deprecated")) {
                problems.add(at + ": deprecated since " + a.path("@deprecated").path("since").asText());
            }
            value(at, a, e.getValue(), profiles, problems);
            if (a.has("enum") && a.has("sibling") && value.has(a.path("sibling").asText())) {
                String caption = a.path("enum").path(e.getValue().asText()).path("caption").asText();
                String sibling = value.path(a.path("sibling").asText()).asText();
                if (!e.getValue().asText().equals("99") && !caption.isEmpty() && !caption.equals(sibling)) {
                    problems.add(path + a.path("sibling").asText() + ": '" + sibling + "' is not the caption of " + e.getKey() + " "
                        + e.getValue().asText() + " ('" + caption + "')");
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode a = e.getValue();
            boolean applies = !a.has("profile") || profiles.contains(a.path("profile").asText());
            if (applies && "required".equals(a.path("requirement").asText()) && !value.has(e.getKey())) {
                problems.add(path + e.getKey() + ": required, missing");
            }
        }
        JsonNode oneOf = def.path("constraints").path("at_least_one");
        if (oneOf.isArray()) {
            boolean any = false;
            for (JsonNode n : oneOf) {
                any |= value.has(n.asText());
            }
            if (!any) {
                problems.add(path + ": needs at least one of " + oneOf);
            }
        }
    }

    private void value(String at, JsonNode a, JsonNode v, Set<String> profiles, List<String> problems) {
        if (a.path("is_array").asBoolean(false)) {
            if (!v.isArray()) {
                problems.add(at + ": expected an array");
                return;
            }
            for (int i = 0; i < v.size(); i++) {
                scalarOrObject(at + "[" + i + "]", a, v.get(i), profiles, problems);
            }
            return;
        }
        scalarOrObject(at, a, v, profiles, problems);
    }

    private void scalarOrObject(String at, JsonNode a, JsonNode v, Set<String> profiles, List<String> problems) {
        String base = base(a.path("type").asText());
        boolean ok = switch (base) {
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber() && v.canConvertToInt();
            case "long" -> v.isIntegralNumber() && v.canConvertToLong();
            case "float" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "json" -> true;
            case "object" -> v.isObject();
            default -> false;
        };
        if (!ok) {
            problems.add(at + ": expected " + a.path("type").asText() + " (" + base + "), got " + v.getNodeType());
            return;
        }
        if (a.has("enum") && !a.path("enum").has(v.asText())) {
            problems.add(at + ": " + v.asText() + " is not one of " + fieldNames(a.path("enum")));
        }
        if (base.equals("object")) {
            String type = a.path("object_type").asText();
            JsonNode def = schema.path("objects").path(type);
            if (def.isMissingNode()) {
                problems.add(at + ": object type " + type + " is not in the shipped definitions");
                return;
            }
            attributes(at + ".", def, v, profiles, problems);
        }
    }

    /** A type's base type, following the types map ({@code timestamp_t} is a {@code long_t}, a long). */
    private String base(String type) {
        String t = type;
        for (int i = 0; i < 5; i++) {
            String next = schema.path("types").path(t).asText(null);
            if (next == null) {
                return "unknown type " + type;
            }
            if (!next.endsWith("_t")) {
                return next;
            }
            t = next;
        }
        return "unknown type " + type;
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
