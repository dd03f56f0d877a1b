// SPDX-License-Identifier: GPL-3.0-or-later
// The window's way to the store: work runs on the store thread, answers arrive on the asking thread, in order, and
// never for an object that is gone.
#include "core/facade/storeclient.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;

class TestStoreClient : public QObject
{
    Q_OBJECT
private slots:
    void answersOnTheAskingThreadInOrder()
    {
        QTemporaryDir dir;
        rd::facade::StoreClient client(rd::store::StoreLocation{dir.filePath(u"relaydesk.db"_s)});
        QThread *workThread = nullptr;
        QList<int> answers;
        for (int i = 0; i < 5; ++i) {
            client.run<int>(
                this,
                [&workThread, i](rd::store::Database *db) {
                    workThread = QThread::currentThread();
                    return db ? i : -1;
                },
                [&answers](int v) {
                    QCOMPARE(QThread::currentThread(), qApp->thread());
                    answers.append(v);
                });
        }
        QTRY_COMPARE(answers, (QList<int>{0, 1, 2, 3, 4}));
        QVERIFY(workThread && workThread != QThread::currentThread());
    }

    void editsAreVisibleToLaterReads()
    {
        QTemporaryDir dir;
        rd::facade::StoreClient client(rd::store::StoreLocation{dir.filePath(u"relaydesk.db"_s)});
        client.post([](rd::store::Database *db) { QVERIFY(db->setSetting(u"usage.retention_days"_s, u"30"_s)); });
        QString seen;
        client.run<QString>(
            this,
            [](rd::store::Database *db) { return db->settings().value().value(u"usage.retention_days"_s); },
            [&seen](QString v) { seen = std::move(v); });
        QTRY_COMPARE(seen, u"30"_s);
    }

    void noAnswerForAnObjectThatIsGone()
    {
        QTemporaryDir dir;
        rd::facade::StoreClient client(rd::store::StoreLocation{dir.filePath(u"relaydesk.db"_s)});
        bool answered = false;
        auto *context = new QObject;
        client.run<int>(
            context, [](rd::store::Database *) { return 1; }, [&answered](int) { answered = true; });
        delete context; // before the event loop could deliver anything
        client.waitForIdle();
        QCoreApplication::processEvents();
        QVERIFY(!answered);
    }

    void anUnopenableStoreGivesNull()
    {
        rd::facade::StoreClient client(rd::store::StoreLocation{u"/proc/relaydesk-cannot-exist/relaydesk.db"_s});
        int result = 0;
        client.run<int>(
            this, [](rd::store::Database *db) { return db ? 1 : -1; }, [&result](int v) { result = v; });
        QTRY_COMPARE(result, -1);
    }
};

QTEST_GUILESS_MAIN(TestStoreClient)
#include "tst_storeclient.moc"
