// SPDX-License-Identifier: GPL-3.0-or-later
// The Accounts page against a real relay and store (offscreen): rows and status, the enabled switch, adding a Console
// account (validation, sealed credentials), editing one (credentials kept or resealed), testing its connection,
// removing one after the confirmation, refreshing only while shown.
#include "core/config/datapaths.h"
#include "core/facade/storeclient.h"
#include "core/providers/console/consoleaccount.h"
#include "tests/support/mockupstream.h"
#include "tests/support/relayharness.h"
#include "ui/models/accountsmodel.h"
#include "ui/pages/accountspage.h"

#include <QApplication>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <optional>

using namespace Qt::StringLiterals;
using rd::ui::AccountsModel;

namespace {
const QString kBaseUrl = u"https://console.example"_s; // never contacted: nothing is relayed here
}

namespace {

// Answers the page's confirmations without a modal dialog.
class AnsweringAccountsPage : public rd::ui::AccountsPage
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

std::optional<rd::store::AccountRecord> storedAccount(rd::store::Database &db, const QString &name)
{
    auto accounts = db.listAccounts();
    if (accounts) {
        for (const auto &a : std::as_const(*accounts)) {
            if (a.name == name) {
                return a;
            }
        }
    }
    return std::nullopt;
}

// A shown page over the harness's store; with the running relay unless `withRelay` is false (credentials locked).
struct Fixture
{
    rd::test::RelayHarness relay;
    std::optional<rd::facade::StoreClient> store;
    std::optional<AnsweringAccountsPage> page;
    QTableView *table = nullptr;

    bool start(bool withRelay = true)
    {
        if (withRelay && !relay.start()) {
            return false;
        }
        store.emplace(rd::store::StoreLocation{rd::config::databasePath(relay.dataDir())});
        page.emplace();
        page->attach(rd::ui::UiContext{withRelay ? relay.service() : nullptr, &*store, relay.dataDir()});
        page->resize(1000, 500);
        page->show();
        page->setActive(true);
        table = page->findChild<QTableView *>(u"accountsTable"_s);
        return table != nullptr;
    }
    ~Fixture() { page.reset(); } // before the store client it may still have answers from
    QString cell(int row, int column) const { return table->model()->index(row, column).data().toString(); }
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

QString message(Fixture &f)
{
    return f.page->findChild<QLabel *>(u"message"_s)->text();
}

// Selects the only row, clicks Edit… and returns the dialog once the record has been read.
QDialog *openEditDialog(Fixture &f)
{
    f.table->selectRow(0);
    QTest::mouseClick(f.page->findChild<QPushButton *>(u"editAccountButton"_s), Qt::LeftButton);
    QDialog *dialog = nullptr;
    if (!QTest::qWaitFor([&] { return (dialog = f.page->findChild<QDialog *>(u"editAccountDialog"_s)) != nullptr; })) {
        return nullptr;
    }
    return dialog;
}

QDialog *openAddDialog(Fixture &f)
{
    QTest::mouseClick(f.page->findChild<QPushButton *>(u"addConsoleButton"_s), Qt::LeftButton);
    return f.page->findChild<QDialog *>(u"addConsoleDialog"_s);
}

} // namespace

class TestAccountsPage : public QObject
{
    Q_OBJECT
private slots:
    void showsAccountsWithLiveStatusAndNoProxyPassword()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions main;
        main.name = u"main"_s;
        main.baseUrl = kBaseUrl;
        main.priority = 10;
        main.proxyUrl = u"socks5://bob@127.0.0.1:1080"_s;
        main.proxyPassword = "proxy-secret";
        QVERIFY(!f.relay.addAccount(main).isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QCOMPARE(f.cell(0, AccountsModel::Name), u"main1"_s);
        QCOMPARE(f.cell(0, AccountsModel::Type), u"Console"_s);
        QCOMPARE(f.cell(0, AccountsModel::Status), u"active"_s);
        QCOMPARE(f.cell(0, AccountsModel::Priority), u"10"_s);
        QCOMPARE(f.cell(0, AccountsModel::Proxy), u"socks5://bob@127.0.0.1:1080"_s);
        QCOMPARE(f.cell(0, AccountsModel::Requests), u"0"_s);
        QVERIFY(f.page->findChild<QTimer *>(u"refreshTimer"_s)->isActive());
        f.page->setActive(false);
        QVERIFY(!f.page->findChild<QTimer *>(u"refreshTimer"_s)->isActive());
    }

    void statusFallsBackToTheStoredState()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"hot"_s;
        options.baseUrl = kBaseUrl;
        const QString id = f.relay.addAccount(options);
        QVERIFY(!id.isEmpty());
        rd::store::AccountStateRow state;
        state.accountId = id;
        state.cooldownUntilMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        state.reason = u"overloaded (529)"_s;
        QVERIFY(f.relay.db().upsertAccountStates({state}));
        QVERIFY(f.start(false)); // no relay: the saved state is all there is
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QVERIFY2(f.cell(0, AccountsModel::Status).startsWith(u"cooling down until"_s),
                 qPrintable(f.cell(0, AccountsModel::Status)));
    }

    void spaceTogglesEnabledInTheStore()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.baseUrl = kBaseUrl;
        const QString name = f.relay.addAccount(options).isEmpty() ? QString() : u"console1"_s;
        QVERIFY(!name.isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        const QModelIndex enabled = f.table->model()->index(0, AccountsModel::Enabled);
        QCOMPARE(enabled.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        f.table->setFocus();
        f.table->setCurrentIndex(enabled);
        QTest::keyClick(f.table, Qt::Key_Space);
        QTRY_VERIFY(!storedAccount(f.relay.db(), name)->enabled);
        QTRY_COMPARE(f.cell(0, AccountsModel::Status), u"disabled"_s);
        QTest::keyClick(f.table, Qt::Key_Space);
        QTRY_VERIFY(storedAccount(f.relay.db(), name)->enabled);
    }

    void addConsoleValidatesThenStoresSealedCredentials()
    {
        Fixture f;
        QVERIFY(f.start());
        QDialog *dialog = openAddDialog(f);
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto *error = dialog->findChild<QLabel *>(u"errorLabel"_s);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"baseUrl"_s)->text(), u"https://api.anthropic.com"_s);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"apiKey"_s)->echoMode(), QLineEdit::Password);
        QVERIFY(!okButton(dialog)->isEnabled());
        type(dialog, u"name"_s, u"team"_s);
        type(dialog, u"baseUrl"_s, u"ftp://nowhere"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(error->text().startsWith(u"Base URL"_s), qPrintable(error->text()));
        type(dialog, u"baseUrl"_s, u"https://console.example"_s);
        QVERIFY(!okButton(dialog)->isEnabled()); // no API key yet
        QVERIFY2(error->text().contains(u"API key"_s), qPrintable(error->text()));
        type(dialog, u"apiKey"_s, u"sk-ant-api03-typed-in-dialog"_s);
        QVERIFY(okButton(dialog)->isEnabled());
        type(dialog, u"modelMapping"_s, u"{not json"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(error->text().startsWith(u"Model mapping"_s), qPrintable(error->text()));
        type(dialog, u"modelMapping"_s, QString());
        type(dialog, u"proxyUrl"_s, u"socks5://carol@127.0.0.1:1080"_s);
        type(dialog, u"proxyPassword"_s, u"proxy-pw"_s);
        QVERIFY2(okButton(dialog)->isEnabled(), qPrintable(error->text()));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);

        QTRY_VERIFY(storedAccount(f.relay.db(), u"team"_s));
        const auto stored = *storedAccount(f.relay.db(), u"team"_s);
        QCOMPARE(stored.type, QString::fromLatin1(rd::providers::kClaudeConsoleType));
        QCOMPARE(stored.baseUrl, u"https://console.example"_s);
        QCOMPARE(stored.proxyUrl, u"socks5://carol@127.0.0.1:1080"_s);
        QVERIFY(!stored.sealedCredentials.contains("sk-ant-api03-typed-in-dialog"));
        auto plain = f.relay.sealer().unseal(stored.sealedCredentials, stored.id.toUtf8());
        QVERIFY(plain);
        auto credentials = rd::providers::decodeCredentials(*plain);
        QVERIFY(credentials);
        QVERIFY(credentials->apiKey.equals("sk-ant-api03-typed-in-dialog"));
        QVERIFY(credentials->proxyPassword.equals("proxy-pw"));
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"addConsoleDialog"_s) == nullptr); // closed and deleted
    }

    void lockedCredentialsExplainInsteadOfAdding()
    {
        Fixture f;
        QVERIFY(f.start(false)); // no relay, hence no sealer
        QDialog *dialog = openAddDialog(f);
        QVERIFY(dialog);
        type(dialog, u"name"_s, u"team"_s);
        type(dialog, u"apiKey"_s, u"sk-ant-api03-x"_s);
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(u"errorLabel"_s)->text().contains(u"locked"_s));
    }

    void editChangesSettingsAndKeepsTheSealedCredentials()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"before"_s;
        options.baseUrl = kBaseUrl;
        options.priority = 40;
        options.proxyUrl = u"socks5://bob@127.0.0.1:1080"_s;
        options.proxyPassword = "proxy-secret";
        QVERIFY(!f.relay.addAccount(options).isEmpty());
        const auto original = *storedAccount(f.relay.db(), u"before1"_s);
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QDialog *dialog = openEditDialog(f);
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"name"_s)->text(), u"before1"_s);
        QCOMPARE(dialog->findChild<QLineEdit *>(u"proxyUrl"_s)->text(), options.proxyUrl);
        QCOMPARE(dialog->findChild<QSpinBox *>(u"priority"_s)->value(), 40);
        QVERIFY(dialog->findChild<QLineEdit *>(u"apiKey"_s)->text().isEmpty());
        QVERIFY(okButton(dialog)->isEnabled()); // an empty key keeps the stored one
        type(dialog, u"name"_s, u"after"_s);
        type(dialog, u"proxyUrl"_s, u"socks5://bob@127.0.0.1:1081"_s);
        auto *priority = dialog->findChild<QSpinBox *>(u"priority"_s);
        priority->selectAll();
        QTest::keyClicks(priority, u"7"_s);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);

        QTRY_VERIFY(storedAccount(f.relay.db(), u"after"_s));
        const auto edited = *storedAccount(f.relay.db(), u"after"_s);
        QCOMPARE(edited.id, original.id);
        QCOMPARE(edited.priority, 7);
        QCOMPARE(edited.proxyUrl, u"socks5://bob@127.0.0.1:1081"_s);
        QCOMPARE(edited.type, original.type);
        QCOMPARE(edited.createdAt, original.createdAt);
        QCOMPARE(edited.sealedCredentials, original.sealedCredentials); // byte for byte
        QTRY_COMPARE(f.cell(0, AccountsModel::Name), u"after"_s);
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"editAccountDialog"_s) == nullptr);
    }

    void editWithANewKeyOrPasswordReseals()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"keyed"_s;
        options.baseUrl = kBaseUrl;
        options.proxyUrl = u"socks5://bob@127.0.0.1:1080"_s;
        options.proxyPassword = "old-proxy-pw";
        const QString id = f.relay.addAccount(options);
        QVERIFY(!id.isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        auto open = [&f, &id] {
            const auto stored = *storedAccount(f.relay.db(), u"keyed1"_s);
            auto plain = f.relay.sealer().unseal(stored.sealedCredentials, id.toUtf8());
            return plain ? rd::providers::decodeCredentials(*plain)
                         : rd::Result<rd::providers::ConsoleCredentials>(tl::unexpected(plain.error()));
        };
        QDialog *dialog = openEditDialog(f);
        QVERIFY(dialog);
        type(dialog, u"apiKey"_s, u"sk-ant-api03-rotated-key"_s);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(open() && open()->apiKey.equals("sk-ant-api03-rotated-key"));
        QVERIFY(open()->proxyPassword.equals("old-proxy-pw")); // untouched: kept from the old blob
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"editAccountDialog"_s) == nullptr);

        dialog = openEditDialog(f);
        QVERIFY(dialog);
        type(dialog, u"proxyPassword"_s, u"new-proxy-pw"_s);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(open() && open()->proxyPassword.equals("new-proxy-pw"));
        QVERIFY(open()->apiKey.equals("sk-ant-api03-rotated-key"));
    }

    void editASubscriptionKeepsItsTokens()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"max"_s;
        options.baseUrl = kBaseUrl;
        options.oauth = true;
        options.refreshToken = "sk-ant-ort01-harness-refresh";
        options.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        options.proxyUrl = u"http://bob@127.0.0.1:3128"_s;
        const QString id = f.relay.addAccount(options);
        QVERIFY(!id.isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        QDialog *dialog = openEditDialog(f);
        QVERIFY(dialog);
        QVERIFY(!dialog->findChild<QLineEdit *>(u"apiKey"_s)->isVisible()); // tokens come from signing in
        type(dialog, u"proxyPassword"_s, u"sub-proxy-pw"_s);
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QTRY_VERIFY(f.page->findChild<QDialog *>(u"editAccountDialog"_s) == nullptr);
        const auto stored = *storedAccount(f.relay.db(), u"max1"_s);
        QCOMPARE(stored.type, QString::fromLatin1(rd::providers::kClaudeOAuthType));
        auto plain = f.relay.sealer().unseal(stored.sealedCredentials, id.toUtf8());
        QVERIFY(plain);
        auto credentials = rd::providers::decodeCredentials(*plain);
        QVERIFY(credentials && credentials->oauth);
        QVERIFY(credentials->apiKey.equals(options.accessToken));
        QVERIFY(credentials->refreshToken.equals(options.refreshToken));
        QVERIFY(credentials->proxyPassword.equals("sub-proxy-pw"));
    }

    void testConnectionListsModelsOrNamesTheFailure()
    {
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"tested"_s;
        options.baseUrl = upstream.baseUrl();
        options.apiKey = "sk-ant-api03-connection-test";
        QVERIFY(!f.relay.addAccount(options).isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        auto *test = f.page->findChild<QPushButton *>(u"testConnectionButton"_s);
        QVERIFY(!test->isEnabled()); // nothing selected
        f.table->selectRow(0);
        QVERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY2(message(f).contains(u"OK: 3 models"_s), qPrintable(message(f)));
        QCOMPARE(upstream.requestCount(), 1);
        const rd::test::RecordedRequest request = upstream.requests().first();
        QCOMPARE(request.method, "GET"_ba);
        QCOMPARE(request.target, "/v1/models"_ba);
        QCOMPARE(request.header("x-api-key"), "sk-ant-api03-connection-test"_ba);
        QCOMPARE(request.header("anthropic-version"), "2023-06-01"_ba);

        upstream.enqueue(rd::test::MockUpstream::error(401, "authentication_error", "invalid x-api-key"));
        QTRY_VERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY2(message(f).contains(u"401"_s), qPrintable(message(f)));
        QVERIFY2(message(f).contains(u"invalid x-api-key"_s), qPrintable(message(f)));
        QVERIFY(!message(f).contains(u"connection-test"_s));
    }

    void testConnectionOfASubscriptionSendsTheOAuthBeta()
    {
        rd::test::MockUpstream upstream;
        QVERIFY(upstream.listen());
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"max"_s;
        options.baseUrl = upstream.baseUrl();
        options.oauth = true;
        options.tokenExpiresAtMs = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        QVERIFY(!f.relay.addAccount(options).isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        f.table->selectRow(0);
        QTest::mouseClick(f.page->findChild<QPushButton *>(u"testConnectionButton"_s), Qt::LeftButton);
        QTRY_VERIFY2(message(f).contains(u"OK: 3 models"_s), qPrintable(message(f)));
        const rd::test::RecordedRequest request = upstream.requests().last();
        QCOMPARE(request.header("authorization"), "Bearer " + options.accessToken);
        QVERIFY(request.header("anthropic-beta").contains("oauth-2025-04-20"));
        QVERIFY(request.header("x-api-key").isEmpty());
    }

    void removeAsksFirst()
    {
        Fixture f;
        rd::test::RelayHarness::AccountOptions options;
        options.name = u"old"_s;
        options.baseUrl = kBaseUrl;
        QVERIFY(!f.relay.addAccount(options).isEmpty());
        QVERIFY(f.start());
        QTRY_COMPARE(f.table->model()->rowCount(), 1);
        f.table->selectRow(0);
        auto *remove = f.page->findChild<QPushButton *>(u"removeButton"_s);
        QVERIFY(remove->isEnabled());
        f.page->answer = false;
        QTest::mouseClick(remove, Qt::LeftButton);
        QCOMPARE(f.page->asked.size(), 1);
        QVERIFY(f.page->asked.first().contains(u"old1"_s));
        f.store->waitForIdle();
        QVERIFY(storedAccount(f.relay.db(), u"old1"_s));
        f.page->answer = true;
        QTest::mouseClick(remove, Qt::LeftButton);
        QTRY_VERIFY(!storedAccount(f.relay.db(), u"old1"_s));
        QTRY_COMPARE(f.table->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestAccountsPage)
#include "tst_accountspage.moc"
