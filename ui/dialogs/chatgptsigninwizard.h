// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/oauth/openaioauth.h"
#include "core/store/records.h"
#include "core/util/result.h"

#include <QDialog>
#include <QNetworkProxy>

#include <memory>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace rd::oauth {
class LoopbackCallbackServer;
}
namespace rd::secrets {
class Sealer;
}

namespace rd::ui {

// Signs a ChatGPT subscription (Codex backend) in, as `relaydesk accounts login-openai` does (PROTOCOLS §5.3). "Open
// the sign-in page" opens the browser at the PKCE authorize URL and listens on the redirect's loopback port
// (http://localhost:1455/auth/callback by default): the browser's callback finishes the sign-in by itself. When the
// port is taken the wizard says so and the user pastes the address the browser ended on (or the bare code). The code
// is traded for tokens through the account's proxy; success shows the plan and e-mail, seals the tokens (AAD = the new
// account id) and emits submitted() with a personal openai-oauth record; the page inserts it and answers with
// accept() or showError().
class ChatGPTSignInWizard : public QDialog
{
    Q_OBJECT
public:
    explicit ChatGPTSignInWizard(std::shared_ptr<const secrets::Sealer> sealer,
                                 oauth::OpenAIOAuthEndpoints endpoints = oauth::OpenAIOAuthEndpoints::defaults(),
                                 QWidget *parent = nullptr);
    ~ChatGPTSignInWizard() override;
    void showError(const QString &message);
    QUrl authorizeUrl() const; // of the pending sign-in; empty before "Open the sign-in page"
    bool isListening() const;  // the browser's loopback callback is being waited for

signals:
    void submitted(const rd::store::AccountRecord &record); // credentials already sealed

protected:
    // QDesktopServices::openUrl; tests override it to capture the URL. False: the user copies the shown address.
    virtual bool openBrowser(const QUrl &url);

private:
    [[nodiscard]] Result<void> checkSettings() const; // name, proxy: everything but the sign-in itself
    QNetworkProxy proxy() const;
    void startSignIn();
    QString listenOnRedirect(); // a sentence for the status line
    void callbackReceived(const QString &url);
    void validate();
    void submit();
    void exchanged(Result<oauth::TokenSet> tokens);
    void storeTokens(const oauth::TokenSet &tokens);
    void setBusy(bool busy, const QString &status = {});
    void stopListening();

    std::shared_ptr<const secrets::Sealer> m_sealer;
    oauth::OpenAIOAuthEndpoints m_endpoints;
    std::optional<oauth::PkceSession> m_session;
    std::optional<oauth::TokenSet> m_tokens; // signed in, not stored yet (a store error lets the user fix and retry)
    oauth::OpenAITokenClient *m_client = nullptr;
    oauth::LoopbackCallbackServer *m_listener = nullptr;
    QLineEdit *m_name = nullptr;
    QSpinBox *m_priority = nullptr;
    QLineEdit *m_proxyUrl = nullptr;
    QLineEdit *m_proxyPassword = nullptr;
    QPushButton *m_openBrowserButton = nullptr;
    QLineEdit *m_authorizeUrl = nullptr;
    QLineEdit *m_code = nullptr;
    QLabel *m_listenLabel = nullptr;
    QLabel *m_accountLabel = nullptr; // plan and e-mail once signed in
    QLabel *m_guardrailLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_busy = false;
};

} // namespace rd::ui
