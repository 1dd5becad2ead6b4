package dev.zinc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The adapter's constants and FFM declarations against include/zinc.h (docs/ADAPTER_CONTRACT.md §1). */
class ConstantsTest {
    static String header() throws Exception {
        return Files.readString(Path.of(System.getProperty("zinc.test.header", "../../include/zinc.h")));
    }

    @Test
    void constantsAreTheHeaders() throws Exception {
        Map<String, Long> header = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^#define (ZINC_[A-Z_]+) (-?\\d+|UINT32_MAX)$").matcher(header());
        while (m.find()) {
            header.put(m.group(1), m.group(2).equals("UINT32_MAX") ? 0xFFFF_FFFFL : Long.parseLong(m.group(2)));
        }
        Map<String, Long> ours = new LinkedHashMap<>();
        for (Field f : Zinc.class.getFields()) {
            ours.put(f.getName(), ((Number) f.get(null)).longValue());
        }
        assertEquals(header, ours);
        for (ZincError e : ZincError.values()) {
            if (e != ZincError.PLATFORM) {
                assertEquals(e, ZincError.of(e.code()));
            }
        }
    }

    @Test
    void functionDeclarationsAreTheHeaders() throws Exception {
        Map<String, String> header = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^([a-z0-9_ ]+?\\*?)\\s*(zinc_[a-z]+)\\(([^)]*)\\);").matcher(header());
        while (m.find()) {
            List<String> types = new ArrayList<>(List.of(norm(m.group(1))));
            for (String arg : m.group(3).split(",")) {
                types.add(norm(arg.trim().replaceAll("\\s*\\b\\w+$", "")));
            }
            header.put(m.group(2), String.join(" ", types));
        }
        Map<String, String> ours = new LinkedHashMap<>();
        for (Map.Entry<String, FunctionDescriptor> e : Native.FUNCTIONS.entrySet()) {
            List<String> types = new ArrayList<>(List.of(e.getValue().returnLayout().map(ConstantsTest::norm).orElse("void")));
            e.getValue().argumentLayouts().forEach(l -> types.add(norm(l)));
            ours.put(e.getKey(), String.join(" ", types));
        }
        assertEquals(8, header.size(), header.toString());
        assertEquals(header, ours);
    }

    static String norm(String c) {
        if (c.contains("*") || c.equals("ZincHandle")) {
            return "ptr";
        }
        return switch (c) {
            case "int32_t" -> "i32";
            case "uint32_t" -> "u32";
            case "uintptr_t" -> "usize";
            case "void" -> "void";
            default -> throw new AssertionError("unknown C type " + c);
        };
    }

    static String norm(MemoryLayout l) {
        return l instanceof AddressLayout ? "ptr" : norm(l.name().orElseThrow());
    }
}
