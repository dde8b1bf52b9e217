package io.marketmesh.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;

/** The JSON codec for every protocol record. One configured, thread-safe mapper. */
public final class ProtocolJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // Newer producers may add fields; an older consumer must still read their records.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final ObjectWriter EVENT_RECORD_WRITER =
            MAPPER.writerFor(new TypeReference<MarketRecord<MarketEvent>>() {
            });

    private ProtocolJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Kafka record's JSON. Event payloads are written with their {@code type}, so consumers decode them as
     * {@code MarketRecord<MarketEvent>}; other payloads (continuity) are written as they are.
     */
    public static String encodeRecord(MarketRecord<?> record) {
        try {
            return record.payload() instanceof MarketEvent
                    ? EVENT_RECORD_WRITER.writeValueAsString(record) : MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #encodeRecord} as UTF-8 bytes, written straight from the generator: what a Kafka producer sends, without
     * an intermediate {@code String} and its re-encoding.
     */
    public static byte[] encodeRecordBytes(MarketRecord<?> record) {
        try {
            return record.payload() instanceof MarketEvent
                    ? EVENT_RECORD_WRITER.writeValueAsBytes(record) : MAPPER.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T decode(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot decode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
