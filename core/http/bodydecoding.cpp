// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/http/bodydecoding.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace rd::http {

namespace {
constexpr qsizetype kStep = 64 * 1024;

Result<QByteArray> inflateBody(const QByteArray &body, int windowBits, qint64 maxBytes)
{
    z_stream z{};
    if (inflateInit2(&z, windowBits) != Z_OK) {
        return fail(ErrorCode::Internal, u"zlib could not start"_s);
    }
    const std::unique_ptr<z_stream, int (*)(z_stream *)> guard(&z, inflateEnd);
    QByteArray out;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    z.avail_in = static_cast<uInt>(body.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        const qsizetype had = out.size();
        out.resize(had + kStep);
        z.next_out = reinterpret_cast<Bytef *>(out.data() + had);
        z.avail_out = static_cast<uInt>(kStep);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(had + kStep - qsizetype(z.avail_out));
        if (rc != Z_OK && rc != Z_STREAM_END) {
            return fail(ErrorCode::BadRequest, u"the compressed request body is corrupt"_s);
        }
        if (out.size() > maxBytes) {
            return fail(ErrorCode::PayloadTooLarge, u"the decompressed request body is too large"_s);
        }
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            return fail(ErrorCode::BadRequest, u"the compressed request body is truncated"_s);
        }
    }
    return out;
}

Result<QByteArray> zstdBody(const QByteArray &body, qint64 maxBytes)
{
    const std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream *)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
    if (!stream) {
        return fail(ErrorCode::Internal, u"zstd could not start"_s);
    }
    ZSTD_inBuffer in{body.constData(), static_cast<size_t>(body.size()), 0};
    QByteArray out;
    size_t rc = 1;
    while (in.pos < in.size || rc != 0) {
        const qsizetype had = out.size();
        out.resize(had + kStep);
        ZSTD_outBuffer o{out.data() + had, static_cast<size_t>(kStep), 0};
        const size_t before = in.pos;
        rc = ZSTD_decompressStream(stream.get(), &o, &in);
        out.resize(had + qsizetype(o.pos));
        if (ZSTD_isError(rc)) {
            return fail(ErrorCode::BadRequest, u"the compressed request body is corrupt"_s);
        }
        if (out.size() > maxBytes) {
            return fail(ErrorCode::PayloadTooLarge, u"the decompressed request body is too large"_s);
        }
        if (rc != 0 && in.pos == in.size && before == in.pos && o.pos == 0) {
            return fail(ErrorCode::BadRequest, u"the compressed request body is truncated"_s);
        }
    }
    return out;
}
} // namespace

Result<QByteArray> decodeContentEncoding(const QByteArray &body, QByteArrayView encoding, qint64 maxBytes)
{
    const QByteArray coding = encoding.trimmed().toByteArray().toLower();
    if (coding.isEmpty() || coding == "identity") {
        return body;
    }
    if (coding == "gzip" || coding == "x-gzip") {
        return inflateBody(body, 15 + 16, maxBytes);
    }
    if (coding == "deflate") {
        return inflateBody(body, 15, maxBytes);
    }
    if (coding == "zstd") {
        return zstdBody(body, maxBytes);
    }
    return fail(ErrorCode::BadRequest,
                u"unsupported content-encoding '%1' (gzip, deflate and zstd are understood)"_s.arg(
                    QString::fromLatin1(coding.left(40))));
}

} // namespace rd::http
