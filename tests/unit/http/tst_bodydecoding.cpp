// SPDX-License-Identifier: GPL-3.0-or-later
// Compressed request bodies (PROTOCOLS.md §4.2): gzip, deflate and zstd decoded, capped, corrupt input refused.
#include "core/http/bodydecoding.h"

#include <QRandomGenerator>
#include <QTest>

#include <zlib.h>
#include <zstd.h>

using namespace Qt::StringLiterals;
using rd::ErrorCode;
using rd::http::decodeContentEncoding;

namespace {
QByteArray deflateWith(const QByteArray &plain, int windowBits)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(qsizetype(deflateBound(&z, uLong(plain.size()))) + 32, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
    z.avail_in = uInt(plain.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray zstdOf(const QByteArray &plain)
{
    QByteArray out(qsizetype(ZSTD_compressBound(size_t(plain.size()))), Qt::Uninitialized);
    out.resize(qsizetype(ZSTD_compress(out.data(), size_t(out.size()), plain.constData(), size_t(plain.size()), 3)));
    return out;
}

QByteArray body(qsizetype size)
{
    QByteArray b;
    b.reserve(size);
    while (b.size() < size) {
        b += "{\"type\":\"message\",\"role\":\"user\",\"content\":\"" + QByteArray::number(b.size()) + "\"},";
    }
    b.truncate(size);
    return b;
}
} // namespace

class TestBodyDecoding : public QObject
{
    Q_OBJECT
private slots:
    void decodesEachCoding_data()
    {
        QTest::addColumn<QByteArray>("coding");
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QByteArray>("plain");
        for (const qsizetype size : {qsizetype(1), qsizetype(1000), qsizetype(300000)}) {
            const QByteArray plain = body(size);
            const QByteArray n = QByteArray::number(size);
            QTest::newRow(QByteArray("gzip " + n).constData()) << "gzip"_ba << deflateWith(plain, 31) << plain;
            QTest::newRow(QByteArray("x-gzip " + n).constData()) << "X-GZIP"_ba << deflateWith(plain, 31) << plain;
            QTest::newRow(QByteArray("deflate " + n).constData()) << "deflate"_ba << deflateWith(plain, 15) << plain;
            QTest::newRow(QByteArray("zstd " + n).constData()) << " zstd "_ba << zstdOf(plain) << plain;
        }
        QTest::newRow("identity") << "identity"_ba
                                  << "{\"a\":1}"_ba
                                  << "{\"a\":1}"_ba;
        QTest::newRow("none") << QByteArray() << "{\"a\":1}"_ba
                              << "{\"a\":1}"_ba;
    }
    void decodesEachCoding()
    {
        QFETCH(QByteArray, coding);
        QFETCH(QByteArray, encoded);
        QFETCH(QByteArray, plain);
        const auto decoded = decodeContentEncoding(encoded, coding, 64 << 20);
        QVERIFY2(decoded.has_value(), qPrintable(decoded ? QString() : decoded.error().detail));
        QCOMPARE(*decoded, plain);
    }

    void refusesWhatCannotBeDecoded()
    {
        const QByteArray plain = body(5000);
        const QByteArray gz = deflateWith(plain, 31);
        const QByteArray zs = zstdOf(plain);
        for (const auto &[coding, bytes] : {std::pair{"gzip"_ba, gz.left(gz.size() / 2)},
                                            std::pair{"zstd"_ba, zs.left(zs.size() / 2)},
                                            std::pair{"gzip"_ba, "not gzip at all"_ba},
                                            std::pair{"zstd"_ba, "not zstd at all"_ba}}) {
            const auto decoded = decodeContentEncoding(bytes, coding, 64 << 20);
            QVERIFY2(!decoded.has_value(), coding.constData());
            QCOMPARE(decoded.error().code, ErrorCode::BadRequest);
        }
        const auto br = decodeContentEncoding("x"_ba, "br", 1024);
        QVERIFY(!br.has_value());
        QVERIFY(br.error().detail.contains(u"br"_s));
    }

    void capsTheDecodedSize()
    {
        // A small body that expands past the cap is refused (a zip bomb must not exhaust memory).
        const QByteArray zeros(8 << 20, '\0');
        for (const auto &[coding, bytes] :
             {std::pair{"gzip"_ba, deflateWith(zeros, 31)}, std::pair{"zstd"_ba, zstdOf(zeros)}}) {
            QVERIFY(bytes.size() < 100000);
            const auto decoded = decodeContentEncoding(bytes, coding, 1 << 20);
            QVERIFY(!decoded.has_value());
            QCOMPARE(decoded.error().code, ErrorCode::PayloadTooLarge);
            QVERIFY(decodeContentEncoding(bytes, coding, 8 << 20).has_value());
        }
    }
};

QTEST_GUILESS_MAIN(TestBodyDecoding)
#include "tst_bodydecoding.moc"
