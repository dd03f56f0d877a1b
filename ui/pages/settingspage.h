// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/pages/page.h"
#include "ui/preferences.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace rd::ui {

// Relay-wide settings (the store's settings table, read and written through StoreClient; validated with
// config::validateSetting before anything is written) and the window's own preferences (theme, language, close to
// tray: QSettings, applied at once). A listen address beyond loopback is confirmed before it is saved.
class SettingsPage : public Page
{
    Q_OBJECT
public:
    explicit SettingsPage(QWidget *parent = nullptr);
    QString title() const override { return tr("Settings"); }
    void attach(const UiContext &context) override;
    void setActive(bool active) override;

protected:
    virtual bool confirm(const QString &question); // tests answer it

private:
    QGroupBox *buildRelay();
    QGroupBox *buildDataFolder();
    QGroupBox *buildPrices();
    QGroupBox *buildLimits();
    QGroupBox *buildAppearance();
    QWidget *buildSaveRow();
    void load();
    void showValues(const QHash<QString, QString> &stored);
    QList<QPair<QString, QString>> fieldValues() const; // key and text, in the order of the page
    QWidget *fieldFor(const QString &key) const;
    QString effective(const QString &key) const; // the stored value when valid, else the default
    void updateHostWarning();
    void save();
    void showError(const QString &text);
    void showStatus(const QString &text);
    void markEdited();
    void updateListenNote();

    UiContext m_context;
    Preferences m_preferences;
    QHash<QString, QString> m_stored; // as last read from the store
    bool m_loaded = false;
    bool m_edited = false; // unsaved edits: a reload on activation keeps them
    bool m_busy = false;
    bool m_filling = false; // showing loaded values: not an edit
    QLineEdit *m_hostEdit = nullptr;
    QSpinBox *m_portSpin = nullptr;
    QLabel *m_hostWarning = nullptr;
    QLabel *m_listenNote = nullptr;
    QLabel *m_priceSource = nullptr;
    QLineEdit *m_dataDir = nullptr;
    QPushButton *m_openDataDir = nullptr;
    QLineEdit *m_priceUrl = nullptr;
    QSpinBox *m_refreshHours = nullptr;
    QLineEdit *m_serviceRates = nullptr;
    QComboBox *m_timeZone = nullptr;
    QComboBox *m_resetDay = nullptr;
    QSpinBox *m_resetHour = nullptr;
    QSpinBox *m_retentionDays = nullptr;
    QComboBox *m_theme = nullptr;
    QComboBox *m_language = nullptr;
    QCheckBox *m_closeToTray = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QPushButton *m_saveButton = nullptr;
};

} // namespace rd::ui
