// SPDX-License-Identifier: GPL-3.0-or-later
// The Keys page against a real relay and store (offscreen): create through the dialog (only the hash is stored, the key
// is shown once with snippets), validation, edit, enable and delete; the snippet generator table-tested.
#include "core/auth/apikeys.h"
#include "core/config/clientsnippets.h"
#include "core/facade/storeclient.h"
#include "core/policy/keylimits.h"
#include "tests/support/relayharness.h"
#include "ui/dialogs/keydialog.h"
#include "ui/models/keysmodel.h"
#include "ui/pages/keyspage.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;

namespace {

// Answers the page's confirmations without a modal dialog.
class AnsweringKeysPage : public rd::ui::KeysPage
{
public:
    bool answer = true;
    QStringList asked;

protected:
    bool confirm(const QString &question) override
    {
        asked << question;
        return answer;
    }
};

std::optional<rd::store::ApiKeyRecord> storedKey(rd::store::Database &db, const QString &name)
{
    auto found = db.findKey(name);
    return found ? *found : std::nullopt;
}

// A page attached to the relay, shown, with its first read done.
struct Fixture
{
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<AnsweringKeysPage> page;
    QTableView *table = nullptr;

    bool start()
    {
        if (!relay.start()) {
            return false;
        }
        store.emplace(relay.service()->storeLocation());
        page.emplace();
        page->attach(rd::ui::UiContext{relay.service(), &*store, relay.dataDir()});
        page->resize(900, 500);
        page->show();
        table = page->findChild<QTableView *>(u"keysTable"_s);
        return table != nullptr;
    }
    ~Fixture() { page.reset(); } // before the store client it may still have answers from
    template <typename T>
    T *child(QObject *parent, const QString &name)
    {
        return parent->findChild<T *>(name);
    }
};

QPushButton *okButton(QWidget *dialog)
{
    return dialog->findChild<QDialogButtonBox *>(u"buttons"_s)->button(QDialogButtonBox::Ok);
}

void type(QWidget *dialog, const QString &name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(name);
    QVERIFY2(edit, qPrintable(name));
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace

class TestKeysPage : public QObject
{
    Q_OBJECT
private slots:
    void snippetsFollowTheClientDocs_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QStringList>("expected");
        const QString h = u"127.0.0.1"_s;
        QTest::newRow("claude code") << h << u"Claude Code"_s
                                     << QStringList{u"export ANTHROPIC_BASE_URL=\"http://127.0.0.1:8123/api\""_s,
                                                    u"export ANTHROPIC_AUTH_TOKEN=\"cr_abc\""_s};
        QTest::newRow("codex") << h << u"Codex CLI"_s
                               << QStringList{u"model_provider = \"relaydesk\""_s,
                                              u"[model_providers.relaydesk]"_s,
                                              u"base_url = \"http://127.0.0.1:8123/openai\""_s,
                                              u"env_key = \"RELAYDESK_API_KEY\""_s,
                                              u"wire_api = \"responses\""_s,
                                              u"export RELAYDESK_API_KEY=\"cr_abc\""_s};
        QTest::newRow("gemini cli") << h << u"Gemini CLI"_s
                                    << QStringList{u"\"selectedType\":\"gemini-api-key\""_s,
                                                   u"export GOOGLE_GEMINI_BASE_URL=\"http://127.0.0.1:8123/gemini\""_s,
                                                   u"export GEMINI_API_KEY=\"cr_abc\""_s};
        QTest::newRow("droid") << h << u"Droid CLI"_s
                               << QStringList{u"\"base_url\":\"http://127.0.0.1:8123/droid/claude\""_s,
                                              u"\"base_url\":\"http://127.0.0.1:8123/droid/comm/v1/\""_s,
                                              u"\"api_key\":\"cr_abc\""_s};
        QTest::newRow("anthropic js") << h << u"Anthropic SDK (JS)"_s
                                      << QStringList{u"baseURL: \"http://127.0.0.1:8123/api\""_s,
                                                     u"apiKey: \"cr_abc\""_s};
        QTest::newRow("anthropic python")
            << h << u"Anthropic SDK (Python)"_s
            << QStringList{u"base_url=\"http://127.0.0.1:8123/api\""_s, u"api_key=\"cr_abc\""_s};
        QTest::newRow("openai") << h << u"OpenAI SDK"_s
                                << QStringList{u"baseURL: \"http://127.0.0.1:8123/openai/v1\""_s,
                                               u"baseURL: \"http://127.0.0.1:8123/openai/claude/v1\""_s};
        QTest::newRow("genai") << h << u"Google GenAI SDK"_s
                               << QStringList{u"httpOptions: { baseUrl: \"http://127.0.0.1:8123/gemini\" }"_s,
                                              u"apiKey: \"cr_abc\""_s};
        QTest::newRow("any address becomes loopback")
            << u"0.0.0.0"_s << u"Claude Code"_s << QStringList{u"\"http://127.0.0.1:8123/api\""_s};
        QTest::newRow("ipv6 is bracketed")
            << u"::1"_s << u"Gemini CLI"_s << QStringList{u"\"http://[::1]:8123/gemini\""_s};
    }
    void snippetsFollowTheClientDocs()
    {
        QFETCH(QString, host);
        QFETCH(QString, title);
        QFETCH(QStringList, expected);
        const auto snippets = rd::config::clientSnippets(host, 8123, u"cr_abc"_s);
        QCOMPARE(snippets.size(), 8);
        QString text;
        for (const auto &s : snippets) {
            if (QLatin1String(s.title) == title) {
                text = s.text;
            }
        }
        QVERIFY2(!text.isEmpty(), qPrintable(title));
        for (const QString &line : expected) {
            QVERIFY2(text.contains(line), qPrintable(line + u"\n---\n"_s + text));
        }
    }

    void createsKeyStoringOnlyItsHashAndShowsItOnce()
    {
        Fixture f;
        QVERIFY(f.start());
        QTest::mouseClick(f.page->findChild<QPushButton *>(u"createKeyButton"_s), Qt::LeftButton);
        auto *dialog = f.page->findChild<rd::ui::KeyDialog *>(u"keyDialog"_s);
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        QVERIFY(!okButton(dialog)->isEnabled()); // no name yet
        type(dialog, u"name"_s, u"laptop"_s);
        type(dialog, u"concurrency"_s, u"2"_s);
        type(dialog, u"queueSize"_s, u"3"_s);
        type(dialog, u"dailyCost"_s, u"5"_s);
        QTest::mouseClick(dialog->findChild<QCheckBox *>(u"client_claude-code"_s), Qt::LeftButton);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(dialog->findChild<QLabel *>(u"errorLabel"_s)->text()));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);

        QDialog *shown = nullptr;
        QTRY_VERIFY((shown = f.page->findChild<QDialog *>(u"newKeyDialog"_s)) && shown->isVisible());
        const QString key = shown->findChild<QLineEdit *>(u"keyField"_s)->text();
        QVERIFY(key.startsWith(u"cr_"_s));
        QCOMPARE(key.size(), 67);
        const auto stored = storedKey(f.relay.db(), u"laptop"_s);
        QVERIFY(stored);
        QCOMPARE(stored->keyHash, rd::auth::hashKey(key.toLatin1()));
        QCOMPARE(stored->allowedClients, u"claude-code"_s);
        auto limits = rd::policy::KeyLimits::fromText(stored->limits);
        QVERIFY(limits);
        QCOMPARE(limits->concurrency, 2);
        QCOMPARE(limits->queueSize, 3);
        QCOMPARE(limits->dailyCostUsd, 5.0);
        QVERIFY(!stored->limits.contains(key)); // nothing but the hash

        auto *tabs = shown->findChild<QTabWidget *>(u"snippets"_s);
        QCOMPARE(tabs->tabText(0), u"Claude Code"_s);
        const QString claude = qobject_cast<QPlainTextEdit *>(tabs->widget(0))->toPlainText();
        QVERIFY(claude.contains(u"ANTHROPIC_BASE_URL=\"http://127.0.0.1:%1/api\""_s.arg(f.relay.port())));
        QVERIFY(claude.contains(key));
        QTest::mouseClick(shown->findChild<QPushButton *>(u"copyButton"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), key);
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QCOMPARE(f.table->model()->index(0, rd::ui::KeysModel::Name).data().toString(), u"laptop"_s);
        shown->close();
        QGuiApplication::clipboard()->clear();
    }

    void invalidSettingsKeepOkDisabledWithTheReason()
    {
        Fixture f;
        QVERIFY(f.start());
        QTest::mouseClick(f.page->findChild<QPushButton *>(u"createKeyButton"_s), Qt::LeftButton);
        auto *dialog = f.page->findChild<rd::ui::KeyDialog *>(u"keyDialog"_s);
        QVERIFY(dialog);
        auto *error = dialog->findChild<QLabel *>(u"errorLabel"_s);
        type(dialog, u"name"_s, u"team"_s);
        QVERIFY(okButton(dialog)->isEnabled());
        type(dialog, u"queueSize"_s, u"3"_s); // a queue needs a concurrency limit
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(error->text().contains(u"queue"_s), qPrintable(error->text()));
        type(dialog, u"concurrency"_s, u"1"_s);
        QVERIFY(okButton(dialog)->isEnabled());
        QVERIFY(error->text().isEmpty());
        type(dialog, u"windowMinutes"_s, u"60"_s); // a window without an amount
        QVERIFY(!okButton(dialog)->isEnabled());
        type(dialog, u"windowMinutes"_s, QString());
        type(dialog, u"rates"_s, u"nosuch=2"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(error->text().contains(u"nosuch"_s), qPrintable(error->text()));
        type(dialog, u"rates"_s, u"claude=1.5"_s);
        type(dialog, u"concurrency"_s, u"-1"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        type(dialog, u"concurrency"_s, u"1"_s);
        dialog->findChild<QComboBox *>(u"binding"_s)->setEditText(u"somewhere"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        dialog->findChild<QComboBox *>(u"binding"_s)->setEditText(u"group:team"_s);
        QVERIFY(okButton(dialog)->isEnabled());
        type(dialog, u"name"_s, QString());
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(!error->text().isEmpty());
    }

    void editChangesLimitsAndKeepsTheHash()
    {
        Fixture f;
        rd::store::ApiKeyRecord record;
        record.name = u"ci"_s;
        record.limits = u"{\"concurrency\":1}"_s;
        f.relay.addKey(record);
        QVERIFY(f.start());
        const QByteArray hash = storedKey(f.relay.db(), u"ci"_s)->keyHash;
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        f.table->selectRow(0);
        QTest::mouseClick(f.page->findChild<QPushButton *>(u"editButton"_s), Qt::LeftButton);
        auto *dialog = f.page->findChild<rd::ui::KeyDialog *>(u"keyDialog"_s);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"concurrency"_s)->text(), u"1"_s);
        type(dialog, u"concurrency"_s, u"4"_s);
        type(dialog, u"windowMinutes"_s, u"60"_s);
        type(dialog, u"windowRequests"_s, u"100"_s);
        QVERIFY(okButton(dialog)->isEnabled());
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(storedKey(f.relay.db(), u"ci"_s)->limits.contains(u"window_requests"_s));
        const auto stored = storedKey(f.relay.db(), u"ci"_s);
        auto limits = rd::policy::KeyLimits::fromText(stored->limits);
        QVERIFY(limits);
        QCOMPARE(limits->concurrency, 4);
        QCOMPARE(limits->windowMinutes, 60);
        QCOMPARE(limits->windowRequests, qint64(100));
        QCOMPARE(stored->keyHash, hash);
        QTRY_VERIFY(f.table->model()->index(0, rd::ui::KeysModel::Limits).data().toString().contains(u"100"_s));
        QVERIFY(f.page->findChild<QDialog *>(u"newKeyDialog"_s) == nullptr); // no key shown on edit
    }

    void spaceTogglesEnabledInTheStore()
    {
        Fixture f;
        f.relay.addKey(u"toggle"_s);
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        const QModelIndex enabled = f.table->model()->index(0, rd::ui::KeysModel::Enabled);
        QCOMPARE(enabled.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        f.table->setFocus();
        f.table->setCurrentIndex(enabled);
        QTest::keyClick(f.table, Qt::Key_Space);
        QTRY_VERIFY(!storedKey(f.relay.db(), u"toggle"_s)->enabled);
        QTRY_COMPARE(f.table->model()->index(0, rd::ui::KeysModel::Enabled).data(Qt::CheckStateRole).toInt(),
                     int(Qt::Unchecked));
        QTest::keyClick(f.table, Qt::Key_Space);
        QTRY_VERIFY(storedKey(f.relay.db(), u"toggle"_s)->enabled);
    }

    void deleteAsksFirst()
    {
        Fixture f;
        f.relay.addKey(u"old"_s);
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        f.table->selectRow(0);
        auto *remove = f.page->findChild<QPushButton *>(u"deleteButton"_s);
        f.page->answer = false;
        QTest::mouseClick(remove, Qt::LeftButton);
        QCOMPARE(f.page->asked.size(), 1);
        QVERIFY(f.page->asked.first().contains(u"old"_s));
        f.store->waitForIdle();
        QVERIFY(storedKey(f.relay.db(), u"old"_s));
        f.page->answer = true;
        QTest::mouseClick(remove, Qt::LeftButton);
        QTRY_VERIFY(!storedKey(f.relay.db(), u"old"_s));
        QTRY_COMPARE(f.table->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestKeysPage)
#include "tst_keyspage.moc"
